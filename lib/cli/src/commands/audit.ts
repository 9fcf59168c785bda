/** `lockboard audit`: audit records, newest first, with the tool a change came through (`via`). */
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../../../api/audit-kinds';
import type { Command } from '../command';
import { str } from '../command';
import { EXIT, usageError } from '../errors';
import { cut, safe, safeJson, table } from '../text';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit records: every change and refused attempt, who (and through which tool), newest first',
  usage: 'lockboard audit [--backend <id>] [--key <key>] [--user <text>] [--action <a>] [--outcome <o>] [--limit <n>] [--json]',
  args: { min: 0, max: 0 },
  options: {
    backend: { type: 'string', value: '<id>', help: 'only this backend' },
    key: { type: 'string', value: '<key>', help: 'only this state key' },
    user: { type: 'string', value: '<text>', help: 'user contains this' },
    action: { type: 'string', value: '<action>', help: AUDIT_ACTIONS.join(', ') },
    outcome: { type: 'string', value: '<outcome>', help: AUDIT_OUTCOMES.join(', ') },
    limit: { type: 'string', value: '<n>', help: 'at most n records (1-500, default 50)' },
  },
  async run(ctx) {
    const action = str(ctx, 'action');
    const outcome = str(ctx, 'outcome');
    if (action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(action)) throw usageError(`--action must be one of ${AUDIT_ACTIONS.join(', ')}`);
    if (outcome !== undefined && !(AUDIT_OUTCOMES as readonly string[]).includes(outcome)) throw usageError(`--outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
    const limit = str(ctx, 'limit');
    if (limit !== undefined && !/^[1-9][0-9]{0,2}$/.test(limit)) throw usageError('--limit expects a number from 1 to 500');
    const listing = await ctx.api().audit({ backend: str(ctx, 'backend'), key: str(ctx, 'key'), user: str(ctx, 'user'), action, outcome, limit });
    if (ctx.json) {
      ctx.io.out(safeJson(listing));
      return EXIT.ok;
    }
    for (const e of listing.errors) ctx.io.err(`lockboard: audit of ${safe(e.backend ?? '?')} could not be read: ${safe(e.message)}`);
    const rows = listing.records.map((r) => [safe(r.time), cut(safe(r.user), 32), safe(r.via ?? '-'), r.action, r.outcome, safe(r.backend), cut(safe(r.key ?? '-'), 60), cut(safe(r.errorCode ?? r.reason ?? ''), 40)]);
    ctx.io.out(rows.length === 0 ? 'No audit records.' : table(['TIME', 'USER', 'VIA', 'ACTION', 'OUTCOME', 'BACKEND', 'KEY', 'REASON / ERROR'], rows));
    if (listing.truncated || listing.next) ctx.io.err('lockboard: more records exist (narrow the filters, or use --json and the API\'s cursor)');
    return listing.errors.length > 0 ? EXIT.unreachable : EXIT.ok;
  },
};
