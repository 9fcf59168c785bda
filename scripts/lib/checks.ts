/**
 * The frame of a check script run by `npm test` (alert replicas, event replicas): `ok`/`FAIL` lines
 * as the checks run, then one summary line, exit 0 only when every check passed, exit 1 on a failed
 * check or an uncaught error.
 */
export interface Checks {
  log: (message: string) => void;
  check: (ok: boolean, what: string) => void;
  failures: string[];
  /** Prints the outcome and exits: 0 when every check passed, else 1. */
  finish: () => never;
}

export function checksOf(name: string, startedMs = Date.now()): Checks {
  const failures: string[] = [];
  const log = (m: string) => console.log(`[${name}] ${m}`);
  return {
    log,
    failures,
    check: (ok, what) => {
      log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
      if (!ok) failures.push(what);
    },
    finish: () => {
      const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
      if (failures.length > 0) {
        console.error(`[${name}] FAILED: ${failures.length} check(s) failed in ${seconds} s:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
        process.exit(1);
      }
      log(`all checks passed in ${seconds} s`);
      process.exit(0);
    },
  };
}

/** Runs a check script's main; an uncaught error fails the script. */
export function runChecks(name: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(`[${name}] FAILED:`, e);
    process.exit(1);
  });
}
