import type { ErrorJson } from '@/lib/api/errors';
import type { Lock } from '@/lib/terraform/locks';
import { formatUtcTime } from './time-format';

/** Locked, free, or unknown with why: never "free" for a lock that could not be read. */
export type LockStatus = { status: 'locked' } | { status: 'free' } | { status: 'unknown'; why: string };

/**
 * The lock status of a listed state. A state listing's `errors` are the lock table's failures (a
 * missing bucket fails the whole listing): with the table unread, a lock held there is not seen, so
 * no lock found means "unknown", not "free". A lock that was found is held, whatever else failed.
 */
export function stateLockStatus(state: { lock: Lock | null }, backend: { dynamodbTable: string | null }, read: { errors: readonly Pick<ErrorJson, 'code' | 'message'>[] }): LockStatus {
  if (state.lock) return { status: 'locked' };
  if (backend.dynamodbTable && read.errors.length > 0) return { status: 'unknown', why: `the lock table ${backend.dynamodbTable} could not be read (${read.errors[0]!.code})` };
  return { status: 'free' };
}

/** The lock status of one state from the backend's lock listing (the state page); `time` writes the read time in the chosen zone. */
export function listedLockStatus(lock: Lock | null, read: { status: string; fetchedAt: string | null; errors: readonly Pick<ErrorJson, 'code' | 'message'>[] }, time: (at: string | null) => string = formatUtcTime): LockStatus {
  if (lock) return { status: 'locked' };
  if (read.status === 'loading') return { status: 'unknown', why: 'not read yet.' };
  if (read.status === 'failed') return { status: 'unknown', why: `the lock could not be read: ${read.errors[0]?.message ?? ''}` };
  if (read.status === 'stale') return { status: 'unknown', why: `the lock could not be read again (${read.errors[0]?.message ?? ''}); it was free as of ${time(read.fetchedAt)}.` };
  if (read.errors.length > 0) return { status: 'unknown', why: `part of the backend could not be read: ${read.errors.map((e) => e.message).join(' ')}` };
  return { status: 'free' };
}
