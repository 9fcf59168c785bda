/**
 * The confirmation a change needs, as on the web page: the lock ID (or its first 8 characters) typed
 * back at a terminal, or, for scripts, `--yes` together with `--expect-id <the lock ID>`. A script
 * without them is refused before anything is read or changed.
 */
import type { Lock } from '../../../api/locks';
import type { CommandContext, OptionSpec } from '../command';
import { flag, str } from '../command';
import { CliError, EXIT, usageError } from '../errors';
import { confirmationMatches, locksAt } from '../locks';
import { safe } from '../text';
import { lockLines } from './state';

export const REASON_OPTION: Record<string, OptionSpec> = { reason: { type: 'string', value: '<text>', help: 'why (required; stored in the audit record)' } };
export const CONFIRM_OPTIONS: Record<string, OptionSpec> = {
  yes: { type: 'boolean', help: 'do not ask (scripts); needs --expect-id' },
  'expect-id': { type: 'string', value: '<lock id>', help: 'the lock ID you expect: anything else there is left alone (exit 1)' },
};

export function requireReason(ctx: CommandContext): string {
  const reason = str(ctx, 'reason')?.trim() ?? '';
  if (reason === '') throw usageError('--reason <text> is required: it is stored in the audit record');
  return reason;
}

/** Checks, before any request, that the change can be confirmed: --yes with --expect-id, or a terminal. */
export function checkConfirmable(ctx: CommandContext, needsId: boolean): void {
  if (flag(ctx, 'yes')) {
    if (needsId && str(ctx, 'expect-id') === undefined) throw usageError('--yes needs --expect-id <lock id>: the lock you expect to change (anything else there is left alone)');
    return;
  }
  if (!ctx.io.interactive) throw usageError(`no terminal to confirm at: pass --yes${needsId ? ' --expect-id <lock id>' : ''}`);
}

/** The one lock at `key` this change is about (the one --expect-id names, when given); refuses otherwise. */
export function pickLock(ctx: CommandContext, locks: readonly Lock[], backend: string, key: string): Lock {
  const here = locksAt(locks, key);
  if (here.length === 0) throw new CliError(EXIT.refused, `there is no lock on "${safe(key)}" in backend ${safe(backend)}: nothing changed`, 'lock_not_found');
  const expected = str(ctx, 'expect-id');
  const candidates = expected === undefined ? here : here.filter((l) => l.id === expected);
  if (candidates.length === 0) {
    throw new CliError(EXIT.refused, `the lock on "${safe(key)}" is ${here.map((l) => safe(l.id) || '(no ID)').join(' and ')}, not the expected ${safe(expected)}: nothing changed`, 'lock_changed', { current: here });
  }
  const source = str(ctx, 'source');
  const chosen = source === undefined ? candidates : candidates.filter((l) => l.sources.length === 1 && l.sources[0] === source);
  if (chosen.length !== 1) {
    throw new CliError(EXIT.refused, `"${safe(key)}" holds ${candidates.length} locks (a split lock?): name one with --expect-id <id> and --source dynamodb|s3`, 'ambiguous_lock', { current: here });
  }
  return chosen[0]!;
}

/** Shows the lock and asks for its ID typed back (unless --yes). Throws when not confirmed. */
export async function confirmLock(ctx: CommandContext, lock: Lock, what: string): Promise<void> {
  ctx.io.err([what, ...lockLines(lock)].join('\n'));
  if (flag(ctx, 'yes')) return;
  const typed = await ctx.io.ask(lock.id ? 'Type the lock ID, or its first 8 characters, to confirm: ' : 'This lock has no ID: type "unlock" to confirm: ');
  if (typed === null || !confirmationMatches(lock, typed)) throw new CliError(EXIT.refused, 'not confirmed: nothing changed', 'not_confirmed');
}
