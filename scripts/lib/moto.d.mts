export function freePort(): Promise<number>;
export function motoBinary(): string;
export function startMoto(opts?: { port?: number; logFile?: string }): Promise<{ port: number; endpoint: string; pid: number | undefined; stop: () => Promise<void> }>;
export function awsEnv(endpoint: string): Record<string, string>;
