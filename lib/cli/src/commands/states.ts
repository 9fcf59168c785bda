/** `lockboard states`: every state path with its digest status and lock. */
import type { Command } from '../command';
import { safe, safeJson, table } from '../text';
import { BACKEND_OPTION, backendIds, failuresExit, printPartial, readEach } from './common';

export const statesCommand: Command = {
  name: 'states',
  summary: 'state paths with digest status (match, mismatch, missing, orphan, unverified) and lock',
  usage: 'lockboard states [--backend <id>] [--json]',
  args: { min: 0, max: 0 },
  options: BACKEND_OPTION,
  async run(ctx) {
    const api = ctx.api();
    const { results, failures } = await readEach(await backendIds(ctx, api), (id) => api.states(id));
    const states = results.flatMap(({ backend, value }) => value.states.map((s) => ({ backend, ...s })));
    if (ctx.json) ctx.io.out(safeJson({ states, errors: failures }));
    else {
      for (const { backend, value } of results) printPartial(ctx, backend, value);
      const rows = states.map((s) => [safe(s.backend), safe(s.key), s.digestStatus, s.lock ? `locked by ${safe(s.lock.who)}` : '-', s.size === null ? '-' : String(s.size), safe(s.lastModified ?? '-')]);
      ctx.io.out(states.length === 0 && failures.length === 0 ? 'No states.' : table(['BACKEND', 'KEY', 'DIGEST', 'LOCK', 'BYTES', 'MODIFIED'], rows));
    }
    return failuresExit(ctx, failures);
  },
};
