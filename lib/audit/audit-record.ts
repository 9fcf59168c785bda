/**
 * The audit record and where it is stored. Pure: no I/O.
 *
 * Key scheme: `<prefix><backend id>/<inverted ms>-<UTC time>-<action>-<kind>-<record id>.json`
 * (`kind` is `refused` for a refusal, `attempt` for a begun mutation, whatever its outcome), so a
 * listing filtered by action, or by outcome (refused vs the others), skips non-matching objects
 * without downloading them. Records written before this scheme (`<inverted ms>-<UTC time>-<id>.json`)
 * stay readable: they are downloaded and filtered by content. S3 lists keys in
 * ascending byte order, so the first 13 digits are `9999999999999 - epoch ms` (zero-padded): the
 * newest record of a backend is the first key listed, and "the latest 50" is one ListObjectsV2 call
 * with MaxKeys 50, however long the history. The readable UTC time is there for people browsing the
 * bucket. One object per attempt: begun before the change, overwritten in place when it completes
 * (in a versioned bucket the begun version stays as a noncurrent version; nothing is deleted).
 */

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

/**
 * The object key of a record: sorts newest first within a backend's folder. Without action/kind it is
 * the old scheme (kept for tests of old records).
 */
export function auditObjectKey(prefix: string, backendId: string, timeMs: number, id: string, tag?: { action: AuditAction; kind: AuditKind }): string {
  const inverted = String(MAX_MS - Math.floor(timeMs)).padStart(13, '0');
  const middle = tag ? `${tag.action}-${tag.kind}-` : '';
  return `${auditFolder(prefix, backendId)}${inverted}-${compactUtc(timeMs)}-${middle}${id}.json`;
}

const TAGGED_KEY = new RegExp(`(?:^|/)\\d{13}-[0-9TZ]+-(${AUDIT_ACTIONS.join('|')})-(refused|attempt)-[^/]+\\.json$`);

/** The action and kind a key encodes, or null for an old-scheme (or foreign) key. */
export function tagOfAuditKey(key: string): { action: AuditAction; kind: AuditKind } | null {
  const m = TAGGED_KEY.exec(key);
  return m ? { action: m[1] as AuditAction, kind: m[2] as AuditKind } : null;
}

/** False when the key alone proves the record cannot match the filter (so it need not be read). */
export function auditKeyMayMatch(key: string, filter: AuditFilter): boolean {
  const tag = tagOfAuditKey(key);
  // Every record key ends with `-<id>.json`, whatever its scheme.
  if (filter.id !== undefined && !key.endsWith(`-${filter.id}.json`)) return false;
  if (!tag) return true;
  if (filter.action && tag.action !== filter.action) return false;
  if (filter.outcome && (filter.outcome === 'refused') !== (tag.kind === 'refused')) return false;
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
