/**
 * Terraform's LockInfo (internal/states/statemgr/locker.go): the JSON stored in a DynamoDB lock
 * item's `Info` attribute and in a `<key>.tflock` object. Pure: no I/O.
 */

export interface LockInfo {
  id: string;
  operation: string;
  info: string;
  who: string;
  version: string;
  created: string;
  path: string;
}

export type LockInfoProblem = 'malformed_info' | 'missing_id' | 'bad_created';

export interface ParsedLockInfo {
  info: LockInfo;
  problems: LockInfoProblem[];
}

/** Go field names in `json.Marshal` order, paired with our camelCase names. */
const FIELDS: ReadonlyArray<readonly [string, keyof LockInfo]> = [
  ['ID', 'id'],
  ['Operation', 'operation'],
  ['Info', 'info'],
  ['Who', 'who'],
  ['Version', 'version'],
  ['Created', 'created'],
  ['Path', 'path'],
];

export const EMPTY_LOCK_INFO: LockInfo = { id: '', operation: '', info: '', who: '', version: '', created: '', path: '' };

/**
 * Reads LockInfo the way Go's decoder does: unknown keys ignored, names matched case-insensitively.
 * Never throws: anything unreadable comes back as empty fields plus problem codes.
 */
export function parseLockInfo(raw: string | undefined | null): ParsedLockInfo {
  if (raw === undefined || raw === null || raw.trim() === '') {
    return { info: { ...EMPTY_LOCK_INFO }, problems: ['malformed_info', 'missing_id'] };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return { info: { ...EMPTY_LOCK_INFO }, problems: ['malformed_info', 'missing_id'] };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { info: { ...EMPTY_LOCK_INFO }, problems: ['malformed_info', 'missing_id'] };
  }
  const problems = new Set<LockInfoProblem>();
  const byLowerName = new Map<string, unknown>();
  for (const [name, value] of Object.entries(doc)) {
    // Go prefers an exact match but accepts any case; the last case-insensitive match wins there too.
    byLowerName.set(name.toLowerCase(), value);
  }
  const info: LockInfo = { ...EMPTY_LOCK_INFO };
  for (const [goName, field] of FIELDS) {
    const value = byLowerName.get(goName.toLowerCase());
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') info[field] = value;
    else problems.add('malformed_info');
  }
  if (info.id === '') problems.add('missing_id');
  if (info.created !== '' && parseRfc3339(info.created) === null) problems.add('bad_created');
  return { info, problems: [...problems] };
}

/** Serialises exactly as Go's `json.Marshal(LockInfo)`: field order, no spaces, HTML-safe escaping. */
export function marshalLockInfo(info: LockInfo): string {
  return '{' + FIELDS.map(([goName, field]) => `"${goName}":${goJsonString(info[field])}`).join(',') + '}';
}

/** A string literal as Go's encoding/json writes it (HTML escaping on, as json.Marshal does). */
export function goJsonString(value: string): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Go's RFC3339Nano in UTC: `2025-03-04T10:15:30.123456789Z`, trailing zeros of the fraction dropped
 * (and the dot too when the fraction is zero). `nanos` adds sub-millisecond precision (0–999999).
 */
export function formatRfc3339Nano(epochMs: number, nanos = 0): string {
  // Whole milliseconds and nanoseconds: a fractional input (Date.now() - Math.random() * …) must not
  // print "26.452148336.789Z", which no parser accepts.
  const ms = Math.floor(epochMs);
  const whole = Math.floor(ms / 1000) * 1000;
  const fractionNs = (ms - whole) * 1_000_000 + Math.min(999_999, Math.max(0, Math.floor(nanos)));
  const base = new Date(whole).toISOString().slice(0, 19);
  const fraction = String(fractionNs).padStart(9, '0').replace(/0+$/, '');
  return fraction === '' ? `${base}Z` : `${base}.${fraction}Z`;
}

/** Epoch milliseconds of an RFC 3339 timestamp (any fraction length, Z or offset), or null. */
export function parseRfc3339(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(t)) return null;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    t -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60_000;
  }
  return t;
}

/** A fresh lock ID in Terraform's form: 16 random bytes as 8-4-4-4-12 hex (no RFC-4122 bits set). */
export function newLockId(randomBytes: Uint8Array): string {
  if (randomBytes.length !== 16) throw new Error('a lock ID needs 16 random bytes');
  const hex = Array.from(randomBytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A word for a POSIX shell: single-quoted, each `'` written as `'\''`; nothing inside is expanded. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Control characters (newline, carriage return, escape…): never put in a command meant to be pasted. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The `terraform force-unlock` command an operator would otherwise run, safe to paste into a POSIX
 * shell: the lock ID (and workspace) single-quoted, so `$(…)`, backticks, `;` or quotes in a hostile
 * lock ID are not run; for a non-default workspace, prefixed with `terraform workspace select '<ws>' && `
 * (force-unlock acts on the selected workspace). Null (offer no command) when the ID or workspace is
 * empty or holds a control character such as a newline, which a paste would turn into a second line.
 */
export function forceUnlockCommand(lock: string | { id: string; workspace?: string }): string | null {
  const { id, workspace = 'default' } = typeof lock === 'string' ? { id: lock } : lock;
  if (id === '' || CONTROL.test(id) || workspace === '' || CONTROL.test(workspace)) return null;
  const select = workspace === 'default' ? '' : `terraform workspace select ${shellQuote(workspace)} && `;
  return `${select}terraform force-unlock ${shellQuote(id)}`;
}
