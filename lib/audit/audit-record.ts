/**
 * The audit record and where it is stored. Pure: no I/O.
 *
 * Key scheme: `<prefix><backend id>/<inverted ms>-<UTC time>-<action>-<kind>-u<user>.k<key hash>-<record id>.json`
 * (`kind` is `refused` for a refusal, `attempt` for a begun mutation, whatever its outcome; `user` the
 * lowercased user, `[a-z0-9]` kept and every other UTF-8 byte written `_xx`, cut at 96 characters and
 * then marked `!`; `key hash` the first 12 hex digits of the state key's SHA-256, `none` without a key),
 * so a listing filtered by action, outcome (refused vs the others), user (a substring: the encoding
 * keeps substrings) or key skips non-matching objects without downloading them. Records written before
 * (`…-<action>-<kind>-<id>.json`, and before that `<inverted ms>-<UTC time>-<id>.json`) stay readable:
 * what their key does not say is checked by content. S3 lists keys in
 * ascending byte order, so the first 13 digits are `9999999999999 - epoch ms` (zero-padded): the
 * newest record of a backend is the first key listed, and "the latest 50" is one ListObjectsV2 call
 * with MaxKeys 50, however long the history. The readable UTC time is there for people browsing the
 * bucket. One object per attempt: begun before the change, overwritten in place when it completes
 * (in a versioned bucket the begun version stays as a noncurrent version; nothing is deleted).
 */

import crypto from 'node:crypto';
// The record's shape is part of the JSON API contract (GET /api/audit), owned by lib/api/audit.ts.
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome, type AuditRecord } from '../api/audit';
export { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome, type AuditRecord } from '../api/audit';

const MAX_MS = 9_999_999_999_999;

/** The folder of one backend's records under the configured prefix (a missing trailing "/" is added). */
export function auditFolder(prefix: string, backendId: string): string {
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return `${base}${backendId}/`;
}

/** `20260105T101530123Z` */
function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

/** What the object key says about a record: `refused`, or `attempt` (pending, succeeded, failed, interrupted). */
export type AuditKind = 'refused' | 'attempt';

const MAX_USER_CODE = 96;

/** Lowercase-free encoding of (already lowercased) text: `[a-z0-9]` kept, any other UTF-8 byte `_xx`. Keeps substrings. */
export function encodeUserText(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) out += (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) ? String.fromCharCode(byte) : `_${byte.toString(16).padStart(2, '0')}`;
  return out;
}

function userCode(user: string): string {
  const code = encodeUserText(user.toLowerCase());
  if (code.length <= MAX_USER_CODE) return code;
  // Cut on a whole `_xx`, then marked: a cut user may match any filter.
  let cut = code.slice(0, MAX_USER_CODE);
  const underscore = cut.lastIndexOf('_');
  if (underscore > MAX_USER_CODE - 3) cut = cut.slice(0, underscore);
  return `${cut}!`;
}

/** First 12 hex digits of the SHA-256 of a state key, `none` without one. */
export function keyCode(key: string | null): string {
  return key === null ? 'none' : crypto.createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12);
}

/**
 * The object key of a record: sorts newest first within a backend's folder. Without a tag it is the
 * oldest scheme (kept for tests of old records); a tag without user/key the scheme before this one.
 */
export function auditObjectKey(prefix: string, backendId: string, timeMs: number, id: string, tag?: { action: AuditAction; kind: AuditKind; user?: string; key?: string | null }): string {
  const inverted = String(MAX_MS - Math.floor(timeMs)).padStart(13, '0');
  const who = tag?.user !== undefined ? `u${userCode(tag.user)}.k${keyCode(tag.key ?? null)}-` : '';
  const middle = tag ? `${tag.action}-${tag.kind}-${who}` : '';
  return `${auditFolder(prefix, backendId)}${inverted}-${compactUtc(timeMs)}-${middle}${id}.json`;
}

const ACTIONS = AUDIT_ACTIONS.join('|');
const TAGGED_KEY = new RegExp(`(?:^|/)\\d{13}-[0-9TZ]+-(${ACTIONS})-(refused|attempt)-[^/]+\\.json$`);
const WHO_KEY = new RegExp(`(?:^|/)\\d{13}-[0-9TZ]+-(?:${ACTIONS})-(?:refused|attempt)-u([a-z0-9_]*)(!?)\\.k([0-9a-f]{12}|none)-[^/]+\\.json$`);

interface KeyTag {
  action: AuditAction;
  kind: AuditKind;
  /** The encoded user and whether it was cut (absent in keys written before users were encoded). */
  user?: { code: string; cut: boolean };
  keyCode?: string;
}

/** The action and kind a key encodes (and user and key code when it has them), or null for an old-scheme (or foreign) key. */
export function tagOfAuditKey(key: string): KeyTag | null {
  const m = TAGGED_KEY.exec(key);
  if (!m) return null;
  const tag: KeyTag = { action: m[1] as AuditAction, kind: m[2] as AuditKind };
  const who = WHO_KEY.exec(key);
  if (who) {
    tag.user = { code: who[1]!, cut: who[2] === '!' };
    tag.keyCode = who[3]!;
  }
  return tag;
}

/** False when the key alone proves the record cannot match the filter (so it need not be read). */
export function auditKeyMayMatch(key: string, filter: AuditFilter): boolean {
  // Every record key ends with `-<id>.json`, whatever its scheme.
  if (filter.id !== undefined && !key.endsWith(`-${filter.id}.json`)) return false;
  const tag = tagOfAuditKey(key);
  if (!tag) return true;
  if (filter.action && tag.action !== filter.action) return false;
  if (filter.outcome && (filter.outcome === 'refused') !== (tag.kind === 'refused')) return false;
  if (filter.user && tag.user && !tag.user.cut && !tag.user.code.includes(encodeUserText(filter.user.toLowerCase()))) return false;
  if (filter.key !== undefined && tag.keyCode !== undefined && tag.keyCode !== keyCode(filter.key)) return false;
  return true;
}

/** Epoch ms encoded in a record key, or null for a key that is not one. */
export function timeOfAuditKey(key: string): number | null {
  const m = /(?:^|\/)(\d{13})-[0-9TZ]+-[^/]+\.json$/.exec(key);
  return m ? MAX_MS - Number(m[1]) : null;
}

/** A stored record, checked enough to display safely; null when the object is not a record. */
export function parseAuditRecord(text: string): AuditRecord | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const r = doc as Partial<AuditRecord>;
  if (typeof r.id !== 'string' || typeof r.time !== 'string' || typeof r.user !== 'string' || typeof r.backend !== 'string') return null;
  if (!AUDIT_ACTIONS.includes(r.action as AuditAction) || !AUDIT_OUTCOMES.includes(r.outcome as AuditOutcome)) return null;
  return {
    id: r.id,
    time: r.time,
    completedAt: typeof r.completedAt === 'string' ? r.completedAt : null,
    user: r.user,
    anonymous: r.anonymous === true,
    backend: r.backend,
    key: typeof r.key === 'string' ? r.key : null,
    action: r.action as AuditAction,
    reason: typeof r.reason === 'string' ? r.reason : null,
    seen: r.seen ?? null,
    outcome: r.outcome as AuditOutcome,
    errorCode: typeof r.errorCode === 'string' ? r.errorCode : null,
    errorMessage: typeof r.errorMessage === 'string' ? r.errorMessage : null,
    details: typeof r.details === 'object' && r.details !== null ? (r.details as Record<string, unknown>) : null,
    ...(typeof r.via === 'string' ? { via: r.via } : {}),
  };
}

export interface AuditFilter {
  action?: AuditAction;
  outcome?: AuditOutcome;
  /** Case-insensitive substring of the user. */
  user?: string;
  /** Exact state key. */
  key?: string;
  /** Exact record id. */
  id?: string;
}

export function matchesAuditFilter(record: AuditRecord, filter: AuditFilter): boolean {
  if (filter.action && record.action !== filter.action) return false;
  if (filter.outcome && record.outcome !== filter.outcome) return false;
  if (filter.user && !record.user.toLowerCase().includes(filter.user.toLowerCase())) return false;
  if (filter.key !== undefined && record.key !== filter.key) return false;
  if (filter.id !== undefined && record.id !== filter.id) return false;
  return true;
}

/** Newest first; ties (same millisecond) by id so the order is stable. */
export function compareAuditRecords(a: AuditRecord, b: AuditRecord): number {
  return Date.parse(b.time) - Date.parse(a.time) || a.id.localeCompare(b.id);
}
