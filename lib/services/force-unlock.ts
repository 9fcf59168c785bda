import 'server-only';
/**
 * Force-unlock: release exactly the lock the operator saw, and nothing newer.
 *
 * Both sides are read fresh (lib/services/terraform-lock.ts), checked against what the operator saw
 * (lib/terraform/lock-match.ts), then released with a conditional write each: DynamoDB `DeleteItem`
 * if `Info` is still exactly what was read (a non-string `Info` by its exact attribute value), S3
 * `DeleteObject` with `If-Match: <ETag read>`. A lock replaced in between fails the condition and
 * survives; the answer is then 409 `lock_changed` with the new holder. The digest item and the
 * state object are never touched.
 *
 * In dual mode the DynamoDB side goes first: Terraform acquires the `.tflock` first, so while that is
 * still held nobody can take a new lock between the two deletes.
 */
import { AppError } from '../api/errors';
import type { UnlockResult } from '../api/unlock';
import type { BackendConfig } from '../server/config';
import { faults } from '../server/faults';
import { planUnlock, type LockSideRead, type SeenSide } from '../terraform/lock-match';
import type { LockSource } from '../terraform/locks';
import { locksOf, readLockSides, removeSeenSide, type LockSides } from './terraform-lock';

export type { UnlockResult } from '../api/unlock';

export interface UnlockInput {
  key: string;
  /** The lock ID the operator saw ('' for a malformed lock, which is then matched by `seen`). */
  id: string;
  /** Release only this side (a split lock's sides are released one at a time). */
  source?: LockSource;
  /** The raw values the operator saw (the lock's `seen` in the locks listing). */
  seen?: SeenSide;
}

export interface UnlockContext {
  /** Adds facts to the audit record. */
  note?: (details: Record<string, unknown>) => void;
}

function lockChanged(backend: BackendConfig, input: UnlockInput, read: LockSides, released: LockSource[]): AppError {
  const locks = locksOf(backend, input.key, read);
  const current = locks.find((l) => l.id !== input.id) ?? locks[0] ?? null;
  const partial = released.length > 0 ? ` The ${released.join(' and ')} side of the old lock was released before the change was seen.` : '';
  return new AppError(
    'lock_changed',
    `The lock on "${input.key}" is no longer the one you saw${current?.id ? `: it is now held by ${current.who || 'an unknown holder'} (ID ${current.id})` : ''}. Nothing newer was touched.${partial}`,
    { backend: backend.id, key: input.key, current, currentLocks: locks, released },
  );
}

function lockGone(backend: BackendConfig, input: UnlockInput): AppError {
  return new AppError('lock_not_found', `There is no lock${input.id ? ` ${input.id}` : ''} on "${input.key}" any more: it was already released.`, { backend: backend.id, key: input.key });
}

export async function forceUnlock(backend: BackendConfig, input: UnlockInput, ctx: UnlockContext = {}): Promise<UnlockResult> {
  if (input.source === 'dynamodb' && !backend.dynamodbTable) {
    throw new AppError('bad_request', `Backend "${backend.id}" has no DynamoDB table, so there is no DynamoDB lock to release.`, { backend: backend.id });
  }
  const read = await readLockSides(backend, input.key);
  ctx.note?.({ read: { dynamodbInfo: read.dynamodb?.raw, dynamodbInfoJson: read.dynamodb?.rawJson, lockfileEtag: read.s3?.etag, lockfileBody: read.s3?.raw } });
  const plan = planUnlock([read.dynamodb, read.s3].filter((s): s is LockSideRead => s !== null), input.id, input.source, input.seen);
  if (plan.kind === 'gone') throw lockGone(backend, input);
  if (plan.kind === 'changed') throw lockChanged(backend, input, read, []);

  await faults.at('unlock:after-read');

  const released: LockSource[] = [];
  const alreadyReleased: LockSource[] = [];
  const order: LockSource[] = ['dynamodb', 's3'];
  for (const side of [...plan.sides].sort((a, b) => order.indexOf(a.source) - order.indexOf(b.source))) {
    const outcome = await removeSeenSide(backend, input.key, side);
    if (outcome === 'removed') released.push(side.source);
    else if (outcome === 'gone') alreadyReleased.push(side.source);
    else throw lockChanged(backend, input, await readLockSides(backend, input.key), released);
  }
  ctx.note?.({ released, alreadyReleased });
  // Everything vanished between the read and the deletes: someone else released it, not us.
  if (released.length === 0) throw lockGone(backend, input);
  return { unlocked: true, key: input.key, id: input.id, sources: released, alreadyReleased };
}
