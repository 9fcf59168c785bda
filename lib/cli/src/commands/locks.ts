/** `lockboard locks`: every live lock of every backend the caller may view. */
import type { Lock } from '../../../api/locks';
import type { Command } from '../command';
import { livenessOf } from '../locks';
import { age, cut, safe, safeJson, table } from '../text';
import { BACKEND_OPTION, backendIds, failuresExit, printPartial, readEach } from './common';

export function lockFlags(lock: Lock): string {
  return [...(lock.stale ? ['stale'] : []), ...lock.problems].join(',') || '-';
}

export const locksCommand: Command = {
  name: 'locks',
  summary: 'live locks (who, operation, age, ID, problems, liveness where the server knows it)',
  usage: 'lockboard locks [--backend <id>] [--json]',
  args: { min: 0, max: 0 },
  options: BACKEND_OPTION,
  async run(ctx) {
    const api = ctx.api();
    const { results, failures } = await readEach(await backendIds(ctx, api), (id) => api.locks(id));
    const locks = results.flatMap(({ backend, value }) => value.locks.map((lock) => ({ backend, ...lock })));
    if (ctx.json) ctx.io.out(safeJson({ locks, fetchedAt: Object.fromEntries(results.map((r) => [r.backend, r.value.fetchedAt])), errors: failures }));
    else {
      for (const { backend, value } of results) printPartial(ctx, backend, value);
      const withLiveness = locks.some((l) => livenessOf(l) !== null);
      const header = ['BACKEND', 'KEY', 'ID', 'WHO', 'OPERATION', 'AGE', ...(withLiveness ? ['LIVENESS'] : []), 'FLAGS'];
      const rows = locks.map((l) => [safe(l.backend), safe(l.key), safe(l.id) || '(none)', cut(safe(l.who), 40), cut(safe(l.operation), 24), age(l.ageSeconds), ...(withLiveness ? [livenessOf(l) ?? '-'] : []), lockFlags(l)]);
      ctx.io.out(locks.length === 0 && failures.length === 0 ? 'No live locks.' : table(header, rows));
    }
    return failuresExit(ctx, failures);
  },
};
