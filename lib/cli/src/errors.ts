/**
 * Exit codes that mean something to a script, and the one error type that carries them. Every
 * failure the CLI reports ends as a CliError: the message is printed, the code is the exit status.
 */
export const EXIT = {
  ok: 0,
  /** The server refused (identity, role, validation of the target) or the target changed: nothing was done. */
  refused: 1,
  /** The command line is wrong (unknown flag, missing argument, no confirmation). */
  usage: 2,
  /** Lockboard (or the store behind it) could not be reached, or the URL is not a Lockboard server. */
  unreachable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** A Lockboard error code (`lock_changed`, `unauthorized`, …) when the server answered one. */
    readonly code: string | null = null,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message, 'usage');
