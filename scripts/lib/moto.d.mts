export function freePort(): Promise<number>;
export function motoBinary(): string;
export function startMoto(opts?: { port?: number; logFile?: string; manualGc?: boolean }): Promise<{
  port: number;
  endpoint: string;
  pid: number | undefined;
  stop: () => Promise<void>;
  /** True when moto's cyclic GC is off and runs only on collectGarbage(). */
  manualGc: boolean;
  collectGarbage: () => Promise<void>;
}>;
export function awsEnv(endpoint: string): Record<string, string>;
