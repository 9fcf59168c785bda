/**
 * The heartbeat object: what `lockboard run` (lib/cli) writes while the process holding a Terraform lock
 * runs, and what the server reads to say whether that process is alive. Shared by both sides so the
 * format is declared once. Pure (no I/O, no package).
 *
 * One object per lock ID and writer: `<prefix><encodeURIComponent(lock ID)>/<writer>.json` in the state
 * bucket. Its body is stable while the process runs (so the server reads it once per ETag); the time
 * of a beat is the object's LastModified in the bucket listing, set by S3, never the writer's clock.
 */

export const DEFAULT_HEARTBEAT_PREFIX = 'lockboard-heartbeats/';
/** A body is a few hundred bytes; a larger object is not read at all (reported as suspicious). */
export const MAX_HEARTBEAT_BYTES = 4096;
export const HEARTBEAT_FORMAT = 1;

export interface HeartbeatBody {
  v: typeof HEARTBEAT_FORMAT;
  /** The lock this process holds, as Terraform wrote it (ID, Who, Created): a beat names exactly one lock. */
  lockId: string;
  who: string;
  created: string;
  /** The state key of the lock (for people; the server checks the lock by ID, Who and Created). */
  key: string;
  /** The machine and the process holding the lock (Terraform's, not the wrapper's). */
  host: string;
  pid: number;
  /** The command the process runs (argv, cut), e.g. `terraform apply -auto-approve`. */
  command: string;
  /** `running` while the process lives; `exited` once, when it died still holding the lock. */
  state: 'running' | 'exited';
  /** Seconds between beats, as the writer was told. */
  intervalSeconds: number;
  /** When the writer started watching, by its own clock (shown, checked for sense; never a beat's time). */
  startedAt: string;
}

/** A writer's name in the key: host, PID and the process's start time, so a reused PID is another writer. */
export function heartbeatWriter(host: string, pid: number, startTicks: string): string {
  const clean = `${host}.${pid}.${startTicks}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return clean.slice(0, 120);
}

export function heartbeatKey(prefix: string, lockId: string, writer: string): string {
  return `${prefix}${encodeURIComponent(lockId)}/${writer}.json`;
}

/** The lock ID a heartbeat key is filed under, or null when the key is not a heartbeat object. */
export function lockIdOfHeartbeatKey(prefix: string, objectKey: string): string | null {
  if (!objectKey.startsWith(prefix) || !objectKey.endsWith('.json')) return null;
  const rest = objectKey.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || rest.indexOf('/', slash + 1) !== -1) return null;
  try {
    return decodeURIComponent(rest.slice(0, slash));
  } catch {
    return null;
  }
}

const MAX_FIELD = 1024;
const str = (v: unknown, max = MAX_FIELD): v is string => typeof v === 'string' && v.length <= max;

/** Reads a body strictly: every field present with its type and within its bound, or `malformed`. */
export function parseHeartbeatBody(text: string): { body: HeartbeatBody } | { problem: 'malformed' } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { problem: 'malformed' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { problem: 'malformed' };
  const d = doc as Record<string, unknown>;
  const ok =
    d.v === HEARTBEAT_FORMAT &&
    str(d.lockId) &&
    d.lockId !== '' &&
    str(d.who) &&
    str(d.created, 64) &&
    str(d.key) &&
    str(d.host, 255) &&
    Number.isSafeInteger(d.pid) &&
    (d.pid as number) > 0 &&
    str(d.command) &&
    (d.state === 'running' || d.state === 'exited') &&
    typeof d.intervalSeconds === 'number' &&
    d.intervalSeconds > 0 &&
    d.intervalSeconds <= 3600 &&
    str(d.startedAt, 64);
  if (!ok) return { problem: 'malformed' };
  return {
    body: {
      v: HEARTBEAT_FORMAT,
      lockId: d.lockId as string,
      who: d.who as string,
      created: d.created as string,
      key: d.key as string,
      host: d.host as string,
      pid: d.pid as number,
      command: d.command as string,
      state: d.state as HeartbeatBody['state'],
      intervalSeconds: d.intervalSeconds as number,
      startedAt: d.startedAt as string,
    },
  };
}
