/** Helpers shared by the read commands: which backends, and reading each without losing the others. */
import type { LockboardApi } from '../api';
import type { CommandContext, OptionSpec } from '../command';
import { str } from '../command';
import { CliError, EXIT, type ExitCode } from '../errors';
import { safe } from '../text';

export const BACKEND_OPTION: Record<string, OptionSpec> = { backend: { type: 'string', value: '<id>', help: 'only this backend (default: every backend you may view)' } };

/** The backends to read: the one named, or every one the server lists for the caller. */
export async function backendIds(ctx: CommandContext, api: LockboardApi): Promise<string[]> {
  const one = str(ctx, 'backend');
  if (one !== undefined) return [one];
  return (await api.backends()).backends.map((b) => b.id);
}

export interface BackendFailure {
  backend: string;
  code: string | null;
  message: string;
  exitCode: ExitCode;
}

/** Reads every backend; a backend that fails is reported, never hidden, and the others are kept. */
export async function readEach<T>(ids: string[], read: (id: string) => Promise<T>): Promise<{ results: Array<{ backend: string; value: T }>; failures: BackendFailure[] }> {
  const settled = await Promise.all(ids.map(async (backend) => ({ backend, outcome: await read(backend).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })) })));
  const results: Array<{ backend: string; value: T }> = [];
  const failures: BackendFailure[] = [];
  for (const { backend, outcome } of settled) {
    if (outcome.ok) results.push({ backend, value: outcome.value });
    else if (outcome.error instanceof CliError) failures.push({ backend, code: outcome.error.code, message: outcome.error.message, exitCode: outcome.error.exitCode });
    else throw outcome.error;
  }
  return { results, failures };
}

/** Prints each failed backend on stderr; the exit code: 0, or the first failure's. */
export function failuresExit(ctx: CommandContext, failures: BackendFailure[]): number {
  for (const f of failures) ctx.io.err(`lockboard: backend ${safe(f.backend)} could not be read: ${f.message}`);
  return failures.length === 0 ? EXIT.ok : failures[0]!.exitCode;
}

/** Partial-read problems the server reported inside a 200 (e.g. the table is missing), on stderr. */
export function printPartial(ctx: CommandContext, backend: string, answer: { errors?: Array<{ code: string; message: string }>; notices?: string[] }): void {
  for (const e of answer.errors ?? []) ctx.io.err(`lockboard: backend ${safe(backend)}: partly read: ${safe(e.code)}: ${safe(e.message)}`);
  for (const n of answer.notices ?? []) ctx.io.err(`lockboard: backend ${safe(backend)}: ${safe(n)}`);
}
