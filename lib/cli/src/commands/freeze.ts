/**
 * `lockboard freeze` / `unfreeze`: a real Terraform lock taken on purpose (never over another lock),
 * and the release of exactly that freeze. Confirmed like the other changes; audited.
 */
import type { FreezeOutcome, UnfreezeOutcome } from '../../../api/freeze';
import type { Command } from '../command';
import { flag, str } from '../command';
import { CliError, EXIT, type ExitCode } from '../errors';
import { locksAt } from '../locks';
import { safe, safeJson } from '../text';
import { CONFIRM_OPTIONS, REASON_OPTION, checkConfirmable, confirmLock, pickLock, requireReason } from './confirm';

const FREEZE_EXIT: Record<FreezeOutcome, ExitCode> = { frozen: EXIT.ok, already_frozen: EXIT.refused, locked: EXIT.refused, failed: EXIT.unreachable };
const UNFREEZE_EXIT: Record<UnfreezeOutcome, ExitCode> = { released: EXIT.ok, not_a_freeze: EXIT.refused, gone: EXIT.refused, failed: EXIT.unreachable };

export const freezeCommand: Command = {
  name: 'freeze',
  summary: 'freeze one state: take a Terraform lock whose reason Terraform prints to whoever runs',
  usage: 'lockboard freeze <backend> <key> --reason <text> [--review-by <ISO time>] [--yes]',
  details: ['Asks for the state key typed back; scripts pass --yes.'],
  args: { min: 2, max: 2 },
  options: { ...REASON_OPTION, 'review-by': { type: 'string', value: '<time>', help: 'a reminder shown with the freeze (ISO 8601); nothing unfreezes by itself' }, yes: { type: 'boolean', help: 'do not ask for the state key typed back (scripts)' } },
  async run(ctx) {
    const [backend, key] = ctx.positionals as [string, string];
    const reason = requireReason(ctx);
    checkConfirmable(ctx, false);
    const api = ctx.api();
    const held = locksAt((await api.locks(backend)).locks, key);
    if (held.length > 0) throw new CliError(EXIT.refused, `"${safe(key)}" is locked by ${safe(held[0]!.who)} (${safe(held[0]!.id)}): nothing frozen`, 'locked', { current: held });
    ctx.io.err(`Freeze ${safe(key)} in backend ${safe(backend)}: Terraform runs on it will fail with "${safe(reason)}" until it is unfrozen.`);
    if (!flag(ctx, 'yes')) {
      const typed = await ctx.io.ask('Type the state key to confirm: ');
      if (typed?.trim() !== key) throw new CliError(EXIT.refused, 'not confirmed: nothing changed', 'not_confirmed');
    }
    const reviewBy = str(ctx, 'review-by');
    const answer = await api.freeze(backend, { key, reason, ...(reviewBy ? { reviewBy } : {}) });
    const result = answer.results[0];
    if (ctx.json) ctx.io.out(safeJson({ backend, ...answer }));
    else ctx.io.out(`${result ? `${result.outcome}: ${safe(result.message)}` : 'no result'} (audit record ${safe(answer.auditId)}).`);
    return result ? FREEZE_EXIT[result.outcome] : EXIT.unreachable;
  },
};

export const unfreezeCommand: Command = {
  name: 'unfreeze',
  summary: 'release exactly one freeze (another lock there is left alone)',
  usage: 'lockboard unfreeze <backend> <key> --reason <text> [--yes --expect-id <lock id>]',
  details: ['Asks for the freeze\'s lock ID typed back; scripts pass --yes --expect-id <id>.'],
  args: { min: 2, max: 2 },
  options: { ...REASON_OPTION, ...CONFIRM_OPTIONS },
  async run(ctx) {
    const [backend, key] = ctx.positionals as [string, string];
    const reason = requireReason(ctx);
    checkConfirmable(ctx, true);
    const api = ctx.api();
    const lock = pickLock(ctx, (await api.locks(backend)).locks, backend, key);
    await confirmLock(ctx, lock, `Unfreeze in backend ${safe(backend)}:`);
    const answer = await api.unfreeze(backend, { reason, locks: [{ key, id: lock.id }] });
    const result = answer.results[0];
    if (ctx.json) ctx.io.out(safeJson({ backend, ...answer }));
    else ctx.io.out(`${result ? `${result.outcome}: ${safe(result.message)}` : 'no result'} (audit record ${safe(answer.auditId)}).`);
    return result ? UNFREEZE_EXIT[result.outcome] : EXIT.unreachable;
  },
};
