/** `POST /api/backends/{id}/unlock`: force-unlock exactly the lock the operator saw. */
import { z } from 'zod';
import type { LockSource } from '../terraform/locks';
import { lockIdSchema, lockSourceSchema, reasonSchema, stateKeySchema } from './common';
import { lockSeenSchema, type LockSeen } from './locks';

export { MAX_SEEN_LOCK_BYTES } from './locks';
/** Body cap of `POST …/unlock`: room for the key, reason and the raw values seen (the other mutations take 16 KiB). */
export const UNLOCK_BODY_LIMIT = 64 * 1024;

/** One lock as listed by `GET /locks`: its key, ID, `seen` as is, and its side when it has only one. */
const lockRefShape = {
  key: stateKeySchema,
  /** The lock ID the operator saw; '' only for a malformed lock without ID, matched by `seen`. */
  id: lockIdSchema,
  /** Release only this side (a split lock's sides are released one at a time). */
  source: lockSourceSchema.optional(),
  seen: lockSeenSchema.optional(),
};

/** A lock without ID (malformed) is named by a raw value seen instead. */
function identified(lock: { id: string; seen?: LockSeen }): boolean {
  const seen = lock.seen;
  return lock.id !== '' || (seen !== undefined && (seen.dynamodbInfo !== undefined || seen.dynamodbInfoJson !== undefined || seen.dynamodbInfoSha256 !== undefined || seen.lockfileEtag !== undefined));
}

const IDENTIFIED = {
  message: 'the lock ID is required (a lock without ID is identified by the raw value seen: seen.dynamodbInfo, seen.dynamodbInfoJson or seen.lockfileEtag)',
  path: ['id'],
};

/** One lock named by a request that takes several (`POST …/unlock-many`). */
export const lockRefSchema = z.object(lockRefShape).strict().refine(identified, IDENTIFIED);

export type LockRef = z.infer<typeof lockRefSchema>;

export const unlockBodySchema = z
  .object({ ...lockRefShape, reason: reasonSchema })
  .strict()
  .refine(identified, IDENTIFIED);

export type UnlockBody = z.infer<typeof unlockBodySchema>;

export interface UnlockResult {
  unlocked: true;
  key: string;
  id: string;
  /** The sides this request released. */
  sources: LockSource[];
  /** Targeted sides found already released by someone else during this request. */
  alreadyReleased: LockSource[];
}
