import 'server-only';
/** Reading the audit log: newest first across backends, filtered, paged with an opaque cursor. */
import { getAuditObject, listAuditKeys } from '../aws/audit-store';
import { listBackends, recordsHome } from '../server/backends';
import { cachedRead } from '../server/cache';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { AppError, type ErrorJson } from '../api/errors';
import type { AuditListing } from '../api/audit';
import { auditFolder, auditKeyMayMatch, matchesAuditFilter, parseAuditRecord, type AuditFilter, type AuditRecord } from './audit-record';
import { completeIfInterrupted } from './audit-interrupted';

export interface AuditQuery extends AuditFilter {
  /** Only this backend (default: all configured). */
  backend?: string;
  limit: number;
  /** Where the previous page ended (its `next`); absent: from the newest record. */
  cursor?: string;
}

const PAGE = 200;
/** Key-only filtering lists up to this many keys per S3 call. */
const SKIP_PAGE = 1000;
/** How many records per backend are downloaded at most to fill one filtered page. */
const MAX_EXAMINED = 2000;
/** How many keys per backend are listed at most for one page (most skipped by their key alone). */
const MAX_LISTED = 20_000;
const RECORD_TTL_MS = 10 * 60_000;

async function readRecord(backend: BackendConfig, bucket: string, ref: { key: string; etag: string }): Promise<AuditRecord | null> {
  // An object's body is fixed for a given ETag (a completion rewrites it with a new ETag).
  return cachedRead('audit-record', `${bucket}\u0000${ref.key}\u0000${ref.etag}`, RECORD_TTL_MS, async () => {
    const text = await getAuditObject(backend, bucket, ref.key);
    return text === null ? null : parseAuditRecord(text);
  });
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
  const keyFiltered = query.action !== undefined || query.outcome !== undefined || query.id !== undefined;
  let last = startAfter;
  let examined = 0;
  let listed = 0;
  for (;;) {
    const { refs, more } = await listAuditKeys(backend, bucket, folder, keyFiltered ? SKIP_PAGE : Math.min(PAGE, Math.max(query.limit, 20)), last);
    const wanted = refs.filter((ref) => auditKeyMayMatch(ref.key, query));
    const nowMs = Date.now();
    const read = await mapLimit(wanted, 8, async (ref) => {
      const record = await readRecord(backend, bucket, ref);
      return record && record.outcome === 'pending' ? completeIfInterrupted(backend, bucket, ref, record, nowMs, 'read') : record;
    });
    read.forEach((record, i) => {
      if (record && record.backend === backend.id && matchesAuditFilter(record, query)) found.push({ record, objectKey: wanted[i]!.key, backend: backend.id });
    });
    examined += wanted.length;
    listed += refs.length;
    last = refs.at(-1)?.key ?? last;
    // Ids are unique: once found, nothing further can match.
    if (!more || refs.length === 0 || (query.id !== undefined && found.length > 0)) return { found, last, exhausted: true, truncated: false };
    if (found.length >= query.limit) return { found, last, exhausted: false, truncated: false };
    if (examined >= MAX_EXAMINED || listed >= MAX_LISTED) return { found, last, exhausted: false, truncated: true };
  }
}

/** Newest first (time, then key: within a backend exactly S3's listing order). */
function compareFound(a: Found, b: Found): number {
  return Date.parse(b.record.time) - Date.parse(a.record.time) || a.backend.localeCompare(b.backend) || (a.objectKey < b.objectKey ? -1 : a.objectKey > b.objectKey ? 1 : 0);
}

/** Audit records newest first, filtered, across the configured backends (or one), one page. */
export async function listAudit(query: AuditQuery): Promise<AuditListing> {
  const positions = decodeCursor(query.cursor);
  const selected = query.backend ? [recordsHome(query.backend)] : listBackends();
  const backends = selected.filter((b) => positions[b.id] !== 0);
  const results = await Promise.allSettled(backends.map((b) => backendRecords(b, query, (positions[b.id] as string | undefined) || undefined)));
  const all: Found[] = [];
  const errors: ErrorJson[] = [];
  const pages = new Map<string, BackendPage>();
  let truncated = false;
  results.forEach((result, i) => {
    const id = backends[i]!.id;
    if (result.status === 'fulfilled') {
      all.push(...result.value.found);
      pages.set(id, result.value);
      truncated ||= result.value.truncated;
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
  return { records: page.map((f) => f.record), errors, truncated, next: done ? null : encodeCursor(next) };
}
