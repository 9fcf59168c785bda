/** `lockboard search <query>`: states of every backend by address, type, module, provider, version, output. */
import type { Command } from '../command';
import { EXIT } from '../errors';
import { cut, safe, safeJson, table } from '../text';

export const searchCommand: Command = {
  name: 'search',
  summary: 'search every backend\'s states by resource address, type, module, provider, Terraform version, output',
  usage: 'lockboard search <query> [--json]',
  args: { min: 1, max: 1 },
  options: {},
  async run(ctx) {
    const result = await ctx.api().search(ctx.positionals[0]!);
    if (ctx.json) {
      ctx.io.out(safeJson(result));
      return EXIT.ok;
    }
    for (const w of result.warnings) ctx.io.err(`lockboard: ${safe(w)}`);
    for (const b of result.backends) ctx.io.err(`lockboard: backend ${safe(b.backendId)} is ${b.phase === 'error' ? `not searchable (${safe(b.error)})` : `still indexing (${b.done}/${b.total}): results may be incomplete`}`);
    const rows = result.hits.map((h) => [safe(h.backendId), safe(h.key), h.serial === null ? '-' : String(h.serial), safe(h.terraformVersion ?? '-'), cut(h.matches.map(safe).join(', ') || h.outputs.map(safe).join(', ') || '-', 80)]);
    ctx.io.out(rows.length === 0 ? `No state matches (searched in ${result.tookMs} ms).` : table(['BACKEND', 'KEY', 'SERIAL', 'TERRAFORM', 'MATCHES'], rows));
    return EXIT.ok;
  },
};
