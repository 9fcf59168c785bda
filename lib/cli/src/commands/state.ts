/** `lockboard state <backend> <key>`: one state's digest, lock (with liveness where known) and versions. */
import type { Lock } from '../../../api/locks';
import type { Command } from '../command';
import { CliError, EXIT } from '../errors';
import { livenessEvidence, livenessOf, locksAt } from '../locks';
import { age, safe, safeJson, table } from '../text';
import { lockFlags } from './locks';

/** The lock's fields, one per line, every value escaped (they are whatever the holder wrote). */
export function lockLines(lock: Lock): string[] {
  const liveness = livenessOf(lock);
  return [
    `  ID:         ${safe(lock.id) || '(none)'}`,
    `  Who:        ${safe(lock.who)}`,
    `  Operation:  ${safe(lock.operation)}`,
    `  Created:    ${safe(lock.created)} (${age(lock.ageSeconds)} ago)`,
    `  Info:       ${safe(lock.info) || '-'}`,
    `  Path:       ${safe(lock.path)}`,
    `  Version:    ${safe(lock.version)}`,
    `  Sides:      ${lock.sources.join(' + ')}`,
    ...(liveness !== null ? [`  Liveness:   ${safe(liveness)}${livenessEvidence(lock) ? ` (${safe(livenessEvidence(lock))})` : ''}`] : []),
    `  Flags:      ${lockFlags(lock)}`,
  ];
}

export const stateCommand: Command = {
  name: 'state',
  summary: 'one state: digest status, its lock (liveness where known) and its versions with their writers',
  usage: 'lockboard state <backend> <key> [--json]',
  args: { min: 2, max: 2 },
  options: {},
  async run(ctx) {
    const [backend, key] = ctx.positionals as [string, string];
    const api = ctx.api();
    const [states, versions] = await Promise.all([
      api.states(backend),
      // A key with a lock but no object and no history (a lock taken before the first apply) has no versions.
      api.versions(backend, key).catch((e: unknown) => {
        if (e instanceof CliError && e.code === 'state_not_found') return { key, versions: [], versioning: 'unknown' as const, fetchedAt: '' };
        throw e;
      }),
    ]);
    const state = states.states.find((s) => s.key === key) ?? null;
    const locks = state?.lock ? [state.lock] : locksAt((await api.locks(backend)).locks, key);
    if (!state && locks.length === 0 && versions.versions.length === 0) {
      throw new CliError(EXIT.refused, `backend ${safe(backend)} has no state, lock or version at "${safe(key)}"`, 'state_not_found');
    }
    if (ctx.json) {
      ctx.io.out(safeJson({ backend, key, state, locks, versioning: versions.versioning, versions: versions.versions, lockHistory: 'lockHistory' in versions ? (versions.lockHistory ?? null) : null }));
      return EXIT.ok;
    }
    const lines = [`State ${safe(key)} (backend ${safe(backend)})`];
    if (state) {
      lines.push(`  Digest:     ${state.digestStatus}${state.digestReason ? ` (${safe(state.digestReason)})` : ''}`);
      lines.push(`  Size:       ${state.size ?? '-'} bytes, modified ${safe(state.lastModified ?? '-')}`);
    } else lines.push('  No current object (only versions, or a lock).');
    lines.push('', locks.length === 0 ? 'Lock: none' : 'Lock:');
    for (const lock of locks) lines.push(...lockLines(lock));
    lines.push('', `Versions: ${versions.versions.length} (bucket versioning ${versions.versioning})`);
    if (versions.versions.length > 0) {
      const rows = versions.versions.map((v) => [
        safe(v.versionId),
        safe(v.lastModified ?? '-'),
        v.deleteMarker ? 'delete marker' : String(v.size),
        v.writer ? `${safe(v.writer.who)} (${safe(v.writer.operation)})` : 'unknown',
        v.attribution ?? '-',
        v.isLatest ? 'latest' : '',
      ]);
      lines.push(table(['VERSION', 'MODIFIED', 'BYTES', 'WRITER', 'HOW KNOWN', ''], rows));
    }
    ctx.io.out(lines.join('\n'));
    return EXIT.ok;
  },
};
