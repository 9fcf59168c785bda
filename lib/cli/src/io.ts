/** The terminal: output, and typed-back confirmations read from a TTY (prompts go to stderr). */
import readline from 'node:readline';
import tty from 'node:tty';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether a person can answer a prompt (stdin and stderr are terminals). */
  interactive: boolean;
  /** Asks and reads one line; null at end of input. */
  ask: (question: string) => Promise<string | null>;
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    // isatty, not process.stdin: creating the stdin stream could change a pipe `lockboard run` hands on.
    interactive: tty.isatty(0) && tty.isatty(2),
    ask: (question) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
        let answered = false;
        rl.question(question, (answer) => {
          answered = true;
          rl.close();
          resolve(answer);
        });
        rl.on('close', () => {
          if (!answered) resolve(null);
        });
      }),
    env: process.env,
  };
}
