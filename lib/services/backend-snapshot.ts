import 'server-only';
/**
 * One read of a backend: a paginated Scan of the lock table and a paginated listing of the bucket,
 * in parallel, shared by the locks and states views and cached for a poll interval. Each half fails
 * on its own, so a missing table still leaves the `.tflock` locks visible (and vice versa).
 */
import { lastThrottledAt } from '../aws/clients';
import { scanLockTable } from '../aws/lock-table';
import { listAllObjects, type ObjectSummary } from '../aws/state-bucket';
import { cachedRead, invalidate } from '../server/cache';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import type { AppError } from '../api/errors';
import type { TableItem } from '../terraform/table-items';

export interface BackendSnapshot {
  /** Table items, [] when the backend has no table, null when the scan failed. */
  tableItems: TableItem[] | null;
  tableError: AppError | null;
  objects: ObjectSummary[] | null;
  bucketError: AppError | null;
  fetchedAt: string;
  /** Things worth telling the viewer that are not failures (e.g. AWS throttled and we backed off). */
  notices: string[];
}

const THROTTLE_NOTICE_MS = 60_000;

/** A notice when AWS throttled this backend's reads recently (they were retried with back-off). */
export function throttleNotices(backend: BackendConfig, nowMs = Date.now()): string[] {
  const at = lastThrottledAt(backend.id);
  return at !== null && nowMs - at < THROTTLE_NOTICE_MS
    ? [`AWS throttled requests for backend "${backend.name}" in the last minute; Lockboard retried with adaptive back-off and now paces its requests to this backend.`]
    : [];
}

async function readSnapshot(backend: BackendConfig): Promise<BackendSnapshot> {
  const [table, bucket] = await Promise.allSettled([
    backend.dynamodbTable ? scanLockTable(backend) : Promise.resolve([] as TableItem[]),
    listAllObjects(backend),
  ]);
  return {
    tableItems: table.status === 'fulfilled' ? table.value : null,
    tableError: table.status === 'rejected' ? toAppError(table.reason, 'backend read failed', { backend: backend.id, read: 'lock table' }) : null,
    objects: bucket.status === 'fulfilled' ? bucket.value : null,
    bucketError: bucket.status === 'rejected' ? toAppError(bucket.reason, 'backend read failed', { backend: backend.id, read: 'state bucket' }) : null,
    fetchedAt: new Date().toISOString(),
    notices: throttleNotices(backend),
  };
}

export function getSnapshot(backend: BackendConfig): Promise<BackendSnapshot> {
  const { cacheSeconds, cacheStaleSeconds } = getConfig();
  return cachedRead('snapshot', backend.id, cacheSeconds * 1000, () => readSnapshot(backend), { staleMs: cacheStaleSeconds * 1000 });
}

/** After a mutation: the next read goes to AWS. */
export function invalidateSnapshot(backendId: string): void {
  invalidate('snapshot', backendId);
}
