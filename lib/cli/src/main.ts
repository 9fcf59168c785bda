/** The `lockboard` executable. */
import { runCli } from './cli';
import { processIo } from './io';

// The heartbeat helper `lockboard run` starts beside its command (not a command for people).
if (process.argv[2] === '__heartbeat-helper') void import('./heartbeat/helper').then((m) => m.helperMain());
else {
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`lockboard: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
