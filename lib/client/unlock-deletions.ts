/** Exactly what a force-unlock deletes, in the backend's own names (the single and the bulk dialog say the same). Pure. */
import type { Lock, LockSource } from '@/lib/api/locks';
import { lockfileKey, lockPath } from '@/lib/terraform/paths';

/** Where the lock's backend keeps its locks. */
export interface LockStore {
  bucket: string;
  dynamodbTable: string | null;
}

export interface UnlockDeletion {
  side: LockSource;
  what: string;
  where: string;
}

/** One entry per side that holds this lock (`lock.sources`). */
export function unlockDeletions(lock: Pick<Lock, 'key' | 'sources'>, store: LockStore): UnlockDeletion[] {
  return lock.sources.map((side) =>
    side === 'dynamodb'
      ? { side, what: `the DynamoDB item LockID = ${lockPath(store.bucket, lock.key)}`, where: `in table ${store.dynamodbTable ?? '(not configured)'}` }
      : { side, what: `the object s3://${store.bucket}/${lockfileKey(lock.key)}`, where: 'a delete marker; its version is kept, as terraform force-unlock leaves it' },
  );
}

/** "3 DynamoDB items and 2 .tflock objects" for a selection. */
export function deletionTotals(locks: ReadonlyArray<Pick<Lock, 'sources'>>): string {
  const items = locks.filter((l) => l.sources.includes('dynamodb')).length;
  const files = locks.filter((l) => l.sources.includes('s3')).length;
  const words = [items ? `${items} DynamoDB lock item${items === 1 ? '' : 's'}` : '', files ? `${files} .tflock object${files === 1 ? '' : 's'}` : ''].filter(Boolean);
  return words.join(' and ') || 'nothing';
}
