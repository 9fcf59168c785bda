/**
 * `lockboard unlock <backend> <key>`: force-unlock exactly the lock read, confirmed like the web page,
 * conditional on what was read (`seen`): a lock replaced meanwhile is refused (exit 1), not deleted.
 */
import type { Command } from '../command';
import { EXIT, usageError } from '../errors';
import { str } from '../command';
import { unlockBodyFor } from '../locks';
import { safe, safeJson } from '../text';
import { CONFIRM_OPTIONS, REASON_OPTION, checkConfirmable, confirmLock, pickLock, requireReason } from './confirm';

export const unlockCommand: Command = {
  name: 'unlock',
  summary: 'force-unlock one lock, exactly as read (refused if it changed meanwhile); audited',
  usage: 'lockboard unlock <backend> <key> --reason <text> [--yes --expect-id <lock id>] [--source dynamodb|s3]',
  details: ['Asks for the lock ID typed back, as the web page does; scripts pass --yes --expect-id <id>.'],
  args: { min: 2, max: 2 },
  options: { ...REASON_OPTION, ...CONFIRM_OPTIONS, source: { type: 'string', value: '<side>', help: 'one side of a split lock: dynamodb or s3' } },
  async run(ctx) {
    const [backend, key] = ctx.positionals as [string, string];
    const reason = requireReason(ctx);
    const source = str(ctx, 'source');
    if (source !== undefined && source !== 'dynamodb' && source !== 's3') throw usageError('--source must be dynamodb or s3');
    checkConfirmable(ctx, true);
    const api = ctx.api();
    const lock = pickLock(ctx, (await api.locks(backend)).locks, backend, key);
    await confirmLock(ctx, lock, `Force-unlock in backend ${safe(backend)}:`);
    const result = await api.unlock(backend, unlockBodyFor(lock, reason));
    if (ctx.json) ctx.io.out(safeJson({ backend, ...result }));
    else {
      const also = result.alreadyReleased.length > 0 ? `; already released by someone else: ${result.alreadyReleased.join(', ')}` : '';
      ctx.io.out(`Released ${result.sources.join(' and ') || 'nothing more'} of lock ${safe(result.id) || '(no ID)'} on ${safe(result.key)}${also} (audit record ${safe(result.auditId)}).`);
    }
    return EXIT.ok;
  },
};
