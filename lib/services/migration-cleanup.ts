import 'server-only';
/**
 * The audited, conditional clean-up of what the use_lockfile migration leaves behind (issue 15), each
 * item authorised on its own key by the route and run under its own audit record:
 * - a digest item (`migration-cleanup` record) is deleted only while its state object is gone (an
 *   orphan: a digest next to a state is that state's check, repaired on its page, never deleted
 *   here) and only if its `Digest` is still the value listed (deleting it only makes a client with
 *   dynamodb_table skip the check, which is what it does when no digest exists);
 * - an orphan `.tflock` (`force-unlock` record: found by `action=force-unlock`) is re-read first and
 *   released only while it is still the stale orphan listed (lib/terraform/orphan-lockfile.ts), and
 *   then only through the single force-unlock (fresh read, `If-Match` on the ETag listed). A live lock
 *   is never the clean-up's to release: it is left alone (`changed`), whoever asks.
 */
import { deleteDigestIfUnchanged, getTableItem } from '../aws/lock-table';
import { headObject } from '../aws/state-bucket';
import type { AuditAction } from '../api/audit';
import { AppError } from '../api/errors';
import type { MigrationCleanupItem, MigrationCleanupItemResult, MigrationCleanupResponse } from '../api/migration';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { orphanLockfileWhy } from '../terraform/orphan-lockfile';
import { digestLockId } from '../terraform/paths';
import { forceUnlock } from './force-unlock';
import { runItem, type ItemSteps, type StepContext } from './item-steps';
import { locksOf, readLockSides } from './terraform-lock';

const CONCURRENCY = 8;

/** How one leftover is authorised and recorded: under its key, a `.tflock` as the force-unlock it is. */
export function leftoverSubject(item: MigrationCleanupItem): { key: string; action: AuditAction; seen: Record<string, unknown> } {
  if (item.kind === 'digest') return { key: item.key, action: 'migration-cleanup', seen: { kind: 'digest', digest: item.digest } };
  return { key: item.key, action: 'force-unlock', seen: { kind: 'lockfile', id: item.id, source: 's3', lockfileEtag: item.etag, via: 'migration-cleanup' } };
}

async function deleteDigest(backend: BackendConfig, item: Extract<MigrationCleanupItem, { kind: 'digest' }>): Promise<MigrationCleanupItemResult> {
  if (!backend.dynamodbTable) throw new AppError('bad_request', `Backend "${backend.id}" has no DynamoDB table.`, { backend: backend.id });
  const lockId = digestLockId(backend.bucket, item.key);
  if ((await headObject(backend, item.key)) !== null) {
    throw new AppError('state_changed', `"${item.key}" has a state object: its digest item is the check Terraform makes on it, not a leftover, so it was left alone. If it does not match, repair it on the state's page.`, { backend: backend.id, key: item.key });
  }
  if ((await deleteDigestIfUnchanged(backend, lockId, item.digest)) === 'written') return { kind: 'digest', key: item.key, outcome: 'removed', message: 'Digest item deleted.' };
  const now = await getTableItem(backend, lockId);
  const current = { digest: now?.digest ?? null, exists: now !== null };
  const what = current.exists ? 'is no longer the value listed (rewritten)' : 'is gone (already deleted)';
  throw new AppError('digest_changed', `The digest item of "${item.key}" ${what}: left alone.`, { backend: backend.id, key: item.key, expected: item.digest, current });
}

/** Re-reads the `.tflock` and releases it through the force-unlock only while it is still the stale orphan listed. */
async function releaseOrphan(backend: BackendConfig, item: Extract<MigrationCleanupItem, { kind: 'lockfile' }>, step: StepContext): Promise<MigrationCleanupItemResult> {
  const [sides, state] = await Promise.all([readLockSides(backend, item.key), headObject(backend, item.key)]);
  const locks = locksOf(backend, item.key, sides);
  const lock = locks.find((l) => l.sources.includes('s3')) ?? null;
  if (lock === null) throw new AppError('lock_not_found', `There is no .tflock on "${item.key}" any more: it was already released.`, { backend: backend.id, key: item.key });
  if (lock.seen.lockfileEtag !== item.etag) {
    throw new AppError('lock_changed', `The .tflock of "${item.key}" is no longer the one listed${lock.id ? ` (it is now held by ${lock.who || 'an unknown holder'}, ID ${lock.id})` : ''}: left alone.`, { backend: backend.id, key: item.key, current: lock, currentLocks: locks, released: [] });
  }
  const why = orphanLockfileWhy(lock, state !== null);
  step.note({ recheck: { stale: lock.stale, sources: lock.sources, stateExists: state !== null, orphan: why !== null } });
  if (why === null) {
    const age = lock.ageSeconds === null ? 'of unknown age' : `${Math.round(lock.ageSeconds / 60)} minutes old`;
    throw new AppError(
      'locked',
      `The .tflock of "${item.key}" is not a stale orphan (held by ${lock.who || 'an unknown holder'}, ${age}${state !== null ? ', next to its state' : ''}): the clean-up releases only stale orphans, so it was left alone. A lock that must go is released with force-unlock.`,
      { backend: backend.id, key: item.key, holder: { who: lock.who, operation: lock.operation, created: lock.created, info: lock.info }, outcome: 'not_an_orphan' },
    );
  }
  await forceUnlock(backend, { key: item.key, id: item.id, source: 's3', seen: { lockfileEtag: item.etag } }, step);
  return { kind: 'lockfile', key: item.key, outcome: 'removed', message: `.tflock released. ${why}` };
}

/** How an item that was not removed reads: `changed` and `gone` leave it alone; anything else `failed`. */
function notRemoved(item: MigrationCleanupItem, error: AppError): MigrationCleanupItemResult {
  const gone = error.code === 'lock_not_found' || (error.code === 'digest_changed' && !error.details.current.exists);
  const changed = error.code === 'lock_changed' || error.code === 'locked' || error.code === 'digest_changed' || error.code === 'state_changed';
  return { kind: item.kind, key: item.key, outcome: gone ? 'gone' : changed ? 'changed' : 'failed', message: error.message };
}

export async function cleanUpLeftovers(backend: BackendConfig, items: readonly MigrationCleanupItem[], steps: ItemSteps<MigrationCleanupItem>): Promise<MigrationCleanupResponse> {
  const results = await mapLimit(items, CONCURRENCY, (item) =>
    runItem(steps, item, (step) => (item.kind === 'digest' ? deleteDigest(backend, item) : releaseOrphan(backend, item, step)), {
      failure: () => null,
      onError: (error) => notRemoved(item, error),
    }),
  );
  steps.note({ results: results.map((r) => ({ kind: r.kind, key: r.key, outcome: r.outcome, auditId: r.auditId })) });
  return { auditId: steps.auditId, partial: results.some((r) => r.outcome !== 'removed'), results };
}
