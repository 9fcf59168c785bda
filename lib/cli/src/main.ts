/** The `lockboard` executable. */
import { runCli } from './cli';
import { processIo } from './io';

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`lockboard: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
