import 'server-only';
/**
 * Reading the audit log: newest first across backends, filtered, paged with an opaque cursor. Only
 * records signed with this deployment's key are shown by default; others (planted by whoever can write
 * the bucket, or written before records were signed) are counted as `foreign.hidden`, or shown flagged
 * with `foreign=show`. Objects too large or not records are never downloaded or shown (`foreign.unreadable`).
 */
import { listAuditKeys, type AuditObjectRef } from '../aws/audit-store';
import { listBackends, recordsHome } from '../server/backends';
import { cachedRead } from '../server/cache';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { AppError, type ErrorJson } from '../api/errors';
import type { AuditListing } from '../api/audit';
import { auditFolder, auditKeyMayMatch, matchesAuditFilter, type AuditFilter, type AuditRecord } from './audit-record';
import { completeIfInterrupted } from './audit-interrupted';
import { readStoredRecord, type StoredRecord } from './stored-record';

export interface AuditQuery extends AuditFilter {
  /** Only this backend (default: all configured). */
  backend?: string;
  limit: number;
  /** Where the previous page ended (its `next`); absent: from the newest record. */
  cursor?: string;
  /** `show`: include records not signed by Lockboard, flagged; default: count them only. */
  foreign?: 'hide' | 'show';
}

const PAGE = 200;
/** Key-only filtering lists up to this many keys per S3 call. */
const SKIP_PAGE = 1000;
/** How many records per backend are downloaded at most to fill one filtered page. */
const MAX_EXAMINED = 2000;
/** How many keys per backend are listed at most for one page (most skipped by their key alone). */
const MAX_LISTED = 20_000;
const RECORD_TTL_MS = 10 * 60_000;

function readRecord(backend: BackendConfig, bucket: string, ref: AuditObjectRef): Promise<StoredRecord> {
  // An object's body is fixed for a given ETag (a completion rewrites it with a new ETag).
  return cachedRead('audit-record', `${bucket}\u0000${ref.key}\u0000${ref.etag}`, RECORD_TTL_MS, () => readStoredRecord(backend, bucket, ref.key, ref.size));
}

/** Per backend: the key after which its next page starts, or 0 when it has nothing more. */
type Positions = Record<string, string | 0>;

function encodeCursor(positions: Positions): string {
  return Buffer.from(JSON.stringify({ v: 1, p: positions }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): Positions {
  if (!cursor) return {};
  try {
    const doc = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; p?: unknown };
    if (doc.v === 1 && typeof doc.p === 'object' && doc.p !== null && !Array.isArray(doc.p)) {
      const p = doc.p as Record<string, unknown>;
      if (Object.values(p).every((x) => x === 0 || (typeof x === 'string' && x.length <= 2048))) return p as Positions;
    }
  } catch {
    // Falls through to the 400.
  }
  throw new AppError('bad_request', 'Invalid request: cursor: not a cursor returned by /api/audit.', { problems: ['cursor: not a cursor returned by /api/audit'] });
}

interface Found {
  record: AuditRecord;
  objectKey: string;
  backend: string;
}

interface BackendPage {
  found: Found[];
  /** Foreign records that matched the filter and were not shown; objects that are not readable records. */
  hidden: number;
  unreadable: number;
  /** The last key listed (examined or skipped), or the start position when none. */
  last: string | undefined;
  exhausted: boolean;
  truncated: boolean;
}

/**
 * Newest-first matching records of one backend after `startAfter`, reading pages until `limit` match
 * or the caps. Keys that cannot match the filter (action, refused vs attempt) are skipped unread.
 */
async function backendRecords(backend: BackendConfig, query: AuditQuery, startAfter: string | undefined): Promise<BackendPage> {
  const config = getConfig();
  const bucket = config.auditBucket ?? backend.bucket;
  const folder = auditFolder(config.auditPrefix, backend.id);
  const found: Found[] = [];
  const keyFiltered = query.action !== undefined || query.outcome !== undefined || query.id !== undefined || query.user !== undefined || query.key !== undefined;
  let last = startAfter;
  let examined = 0;
  let listed = 0;
  let hidden = 0;
  let unreadable = 0;
  const done = (exhausted: boolean, truncated: boolean): BackendPage => ({ found, hidden, unreadable, last, exhausted, truncated });
  for (;;) {
    const { refs, more } = await listAuditKeys(backend, bucket, folder, keyFiltered ? SKIP_PAGE : Math.min(PAGE, Math.max(query.limit, 20)), last);
    const wanted = refs.filter((ref) => auditKeyMayMatch(ref.key, query));
    const nowMs = Date.now();
    const read = await mapLimit(wanted, 8, async (ref): Promise<StoredRecord> => {
      const stored = await readRecord(backend, bucket, ref);
      // Only Lockboard's own records are completed (and so signed) as interrupted.
      if (stored.status !== 'record' || stored.verification !== 'signed' || stored.record.outcome !== 'pending') return stored;
      return { ...stored, record: await completeIfInterrupted(backend, bucket, { key: ref.key, etag: stored.etag }, stored.record, nowMs, 'read') };
    });
    read.forEach((stored, i) => {
      if (stored.status === 'unreadable') unreadable++;
      if (stored.status !== 'record' || stored.record.backend !== backend.id || !matchesAuditFilter(stored.record, query)) return;
      if (stored.verification === 'signed') found.push({ record: stored.record, objectKey: wanted[i]!.key, backend: backend.id });
      else if (query.foreign === 'show') found.push({ record: { ...stored.record, foreign: stored.verification }, objectKey: wanted[i]!.key, backend: backend.id });
      else hidden++;
    });
    examined += wanted.length;
    listed += refs.length;
    last = refs.at(-1)?.key ?? last;
    // Ids are unique: once found, nothing further can match.
    if (!more || refs.length === 0 || (query.id !== undefined && found.length > 0)) return done(true, false);
    if (found.length >= query.limit) return done(false, false);
    if (examined >= MAX_EXAMINED || listed >= MAX_LISTED) return done(false, true);
  }
}

/** Newest first (time, then key: within a backend exactly S3's listing order). */
function compareFound(a: Found, b: Found): number {
  return Date.parse(b.record.time) - Date.parse(a.record.time) || a.backend.localeCompare(b.backend) || (a.objectKey < b.objectKey ? -1 : a.objectKey > b.objectKey ? 1 : 0);
}

/** Audit records newest first, filtered, across the configured backends (or one), one page. */
/** `canView`: without `query.backend`, only the backends it accepts (the caller's view role) are read. */
export async function listAudit(query: AuditQuery, canView: (backendId: string) => boolean = () => true): Promise<AuditListing> {
  const positions = decodeCursor(query.cursor);
  const selected = query.backend ? [recordsHome(query.backend)] : listBackends().filter((b) => canView(b.id));
  const backends = selected.filter((b) => positions[b.id] !== 0);
  const results = await Promise.allSettled(backends.map((b) => backendRecords(b, query, (positions[b.id] as string | undefined) || undefined)));
  const all: Found[] = [];
  const errors: ErrorJson[] = [];
  const pages = new Map<string, BackendPage>();
  let truncated = false;
  const foreign = { hidden: 0, unreadable: 0 };
  results.forEach((result, i) => {
    const id = backends[i]!.id;
    if (result.status === 'fulfilled') {
      all.push(...result.value.found);
      pages.set(id, result.value);
      truncated ||= result.value.truncated;
      foreign.hidden += result.value.hidden;
      foreign.unreadable += result.value.unreadable;
    } else {
      const e = toAppError(result.reason, 'audit read failed', { backend: id });
      errors.push({ ...e.toJson(), backend: id });
    }
  });
  const page = all.sort(compareFound).slice(0, query.limit);
  const next: Positions = { ...positions };
  for (const b of selected) {
    const p = pages.get(b.id);
    if (!p) continue; // done before, or failed: the next page retries from the same position
    const included = page.filter((f) => f.backend === b.id);
    if (included.length === p.found.length) next[b.id] = p.exhausted ? 0 : (p.last ?? 0);
    else next[b.id] = included.at(-1)?.objectKey ?? positions[b.id] ?? '';
  }
  const done = selected.every((b) => next[b.id] === 0);
  return { records: page.map((f) => f.record), errors, truncated, foreign, next: done ? null : encodeCursor(next) };
}
