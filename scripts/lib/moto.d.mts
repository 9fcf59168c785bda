export function freePort(): Promise<number>;
export function motoBinary(): string;
export function startMoto(opts?: { port?: number; logFile?: string; manualGc?: boolean }): Promise<{
  port: number;
  endpoint: string;
  pid: number | undefined;
  stop: () => Promise<void>;
  /** True when collectGarbage() works: it collects, and from then on moto's cyclic GC runs only on it. */
  manualGc: boolean;
  collectGarbage: () => Promise<void>;
}>;
export function awsEnv(endpoint: string): Record<string, string>;
