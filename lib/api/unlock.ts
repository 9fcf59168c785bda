/** `POST /api/backends/{id}/unlock`: force-unlock exactly the lock the operator saw. */
import { z } from 'zod';
import type { LockSource } from '../terraform/locks';
import { reasonSchema, stateKeySchema } from './common';

/** Largest raw lock value echoed back as `seen` (Terraform writes a few hundred bytes). */
export const MAX_SEEN_LOCK_BYTES = 16_384;
/** Body cap of `POST …/unlock`: room for the key, reason and the raw values seen (the other mutations take 16 KiB). */
export const UNLOCK_BODY_LIMIT = 64 * 1024;

export const unlockBodySchema = z
  .object({
    key: stateKeySchema,
    /** The lock ID the operator saw; '' only for a malformed lock without ID, matched by `seen`. */
    id: z.string().max(256),
    reason: reasonSchema,
    source: z.enum(['dynamodb', 's3']).optional(),
    seen: z
      .object({
        dynamodbInfo: z.string().max(MAX_SEEN_LOCK_BYTES).nullable().optional(),
        /** A malformed item whose `Info` is not a string (number, map, NULL…): its attribute as canonical JSON. */
        dynamodbInfoJson: z.string().max(MAX_SEEN_LOCK_BYTES).optional(),
        /** An oversized `Info` (over 16 KiB) is matched by the SHA-256 of its exact string. */
        dynamodbInfoSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
        lockfileEtag: z.string().max(256).optional(),
        // The listing also carries the body it read; accepted (and audited) but the ETag is what is checked.
        lockfileBody: z.string().max(MAX_SEEN_LOCK_BYTES).nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((b) => b.id !== '' || (b.seen !== undefined && (b.seen.dynamodbInfo !== undefined || b.seen.dynamodbInfoJson !== undefined || b.seen.dynamodbInfoSha256 !== undefined || b.seen.lockfileEtag !== undefined)), {
    message: 'the lock ID is required (a lock without ID is identified by the raw value seen: seen.dynamodbInfo, seen.dynamodbInfoJson or seen.lockfileEtag)',
    path: ['id'],
  });

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
