/**
 * Size bounds of what is stored in an audit record. Pure: no I/O.
 *
 * A refusal stores at most 512 characters per string and 8 KiB per record; a begun mutation (an
 * authorised operator) 4,096 characters per string and 32 KiB. Deep or wide values are cut at depth 6
 * and 50 entries per object/array; a record still over its size has `seen` and then `details`
 * replaced by a note of their original size. Whatever was cut says so (`…[cut N chars]`). Control and
 * bidi characters are removed from every string (lib/terraform/safe-text.ts).
 */
import { stripControls } from '../terraform/safe-text';
import type { AuditRecord } from './audit-record';

export interface AuditBounds {
  maxString: number;
  maxBytes: number;
}

export const REFUSAL_BOUNDS: AuditBounds = { maxString: 512, maxBytes: 8 * 1024 };
export const ATTEMPT_BOUNDS: AuditBounds = { maxString: 4096, maxBytes: 32 * 1024 };

/**
 * The largest audit object a reader downloads: twice the record bound (multi-byte characters, the
 * signature). Anything bigger under the audit prefix was not written by Lockboard and is not read.
 */
export const MAX_AUDIT_OBJECT_BYTES = 2 * ATTEMPT_BOUNDS.maxBytes;

const MAX_DEPTH = 6;
const MAX_ENTRIES = 50;

export function truncateString(text: string, max: number): string {
  const s = stripControls(text);
  return s.length <= max ? s : `${s.slice(0, max)}…[cut ${s.length - max} chars]`;
}

/** A copy of a JSON-like value with every string, object and array cut to the bounds. */
export function boundValue(value: unknown, maxString: number, depth = 0): unknown {
  if (typeof value === 'string') return truncateString(value, maxString);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return '…[cut: nested too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ENTRIES).map((v) => boundValue(v, maxString, depth + 1));
    if (value.length > MAX_ENTRIES) kept.push(`…[cut ${value.length - MAX_ENTRIES} more items]`);
    return kept;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, MAX_ENTRIES)) out[truncateString(k, 128)] = boundValue(v, maxString, depth + 1);
  if (entries.length > MAX_ENTRIES) out['…'] = `[cut ${entries.length - MAX_ENTRIES} more keys]`;
  return out;
}

function bytes(record: AuditRecord): number {
  return Buffer.byteLength(JSON.stringify(record), 'utf8');
}

/** The record as it may be stored: every field bounded, the whole within `maxBytes`. */
export function boundRecord(record: AuditRecord, bounds: AuditBounds): AuditRecord {
  const s = (v: string | null) => (v === null ? null : truncateString(v, bounds.maxString));
  let out: AuditRecord = {
    ...record,
    user: truncateString(record.user, 256),
    key: s(record.key),
    reason: s(record.reason),
    errorCode: record.errorCode === null ? null : truncateString(record.errorCode, 64),
    errorMessage: s(record.errorMessage),
    seen: boundValue(record.seen ?? null, bounds.maxString),
    details: record.details === null ? null : (boundValue(record.details, bounds.maxString) as Record<string, unknown>),
  };
  if (bytes(out) > bounds.maxBytes) out = { ...out, seen: { cut: true, bytes: Buffer.byteLength(JSON.stringify(out.seen), 'utf8') } };
  if (bytes(out) > bounds.maxBytes) out = { ...out, details: { cut: true, bytes: Buffer.byteLength(JSON.stringify(out.details), 'utf8') } };
  return out;
}
