/**
 * One lock as the CLI and the MCP server handle it: found by key, confirmed the way the web page
 * confirms, sent back exactly as read (`seen`), and fingerprinted so a plan can tell it changed.
 */
import crypto from 'node:crypto';
import type { Lock } from '../../api/locks';
import type { UnlockBody } from '../../api/unlock';

/** The page's rule (the unlock dialog): the lock ID or its first 8 characters; `unlock` for a lock without ID. */
export function confirmationMatches(lock: Pick<Lock, 'id'>, typed: string): boolean {
  const t = typed.trim();
  if (lock.id === '') return t.toLowerCase() === 'unlock';
  return t === lock.id || (t.length === 8 && t === lock.id.slice(0, 8));
}

/**
 * The force-unlock request for exactly this lock, as the page sends it: its ID, the raw values read
 * (so the server deletes only what is still exactly that), and its side when it has one.
 */
export function unlockBodyFor(lock: Lock, reason: string): UnlockBody {
  const { dynamodbInfo, dynamodbInfoJson, dynamodbInfoSha256, lockfileEtag } = lock.seen;
  const seen = Object.fromEntries(Object.entries({ dynamodbInfo, dynamodbInfoJson, dynamodbInfoSha256, lockfileEtag }).filter(([, v]) => v !== undefined));
  return { key: lock.key, id: lock.id, reason, seen, ...(lock.sources.length === 1 ? { source: lock.sources[0] } : {}) };
}

/** SHA-256 of what identifies this lock as read: key, ID, sides and the raw values seen. */
export function lockFingerprint(lock: Lock): string {
  const { key, id, sources } = lock;
  const seen = unlockBodyFor(lock, '-').seen ?? {};
  const canonical = JSON.stringify([key, id, [...sources].sort(), Object.entries(seen).sort(([a], [b]) => a.localeCompare(b))]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** The live locks on exactly this key (a split lock may list two). */
export function locksAt(locks: readonly Lock[], key: string): Lock[] {
  return locks.filter((l) => l.key === key);
}

/** Liveness as the server reports it (`alive`, `dead`, `unknown`), or null from a server that does not. */
export function livenessOf(lock: Lock): string | null {
  const l: unknown = lock.liveness;
  if (typeof l === 'string') return l;
  if (l && typeof l === 'object' && typeof (l as { state?: unknown }).state === 'string') return (l as { state: string }).state;
  return null;
}

/** The evidence in one line (untrusted values escaped by the caller's `safe`), or null. */
export function livenessEvidence(lock: Lock): string | null {
  const l = lock.liveness;
  if (!l || typeof l !== 'object') return null;
  const parts = [l.reason.replace(/_/g, ' ')];
  if (l.lastHeartbeat) parts.push(`last heartbeat ${l.lastHeartbeat} (${l.heartbeatAgeSeconds ?? '?'} s ago)`);
  if (l.holder) parts.push(`process ${l.holder.pid} on ${l.holder.host}${l.holder.state === 'exited' ? ' (exited)' : ''}`);
  if (l.deadSince) parts.push(`dead since ${l.deadSince}`);
  parts.push(l.lastStateWrite ? `state written ${l.lastStateWrite}` : 'no state write since the lock');
  if (l.overLongestRun) parts.push(`older than the longest run (${Math.round(l.longestRunSeconds / 60)} min)`);
  if (l.suspicious.length > 0) parts.push(`${l.suspicious.length} suspicious heartbeat object(s): ${[...new Set(l.suspicious.map((x) => x.problem))].join(', ')}`);
  return parts.join('; ');
}
