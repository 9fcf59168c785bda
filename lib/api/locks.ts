/**
 * `GET /api/backends/{id}/locks`: the live locks of one backend (DynamoDB items and `.tflock`s, merged),
 * and the one schema of a lock's `seen` that every request naming a lock takes back exactly as listed
 * (`POST …/unlock`, `POST …/unlock-many`).
 */
import { z } from 'zod';
import type { Lock, LockProblem, LockSource } from '../terraform/locks';
import type { ErrorJson } from './errors';

export type { Lock, LockProblem, LockSource };

/**
 * Largest raw lock value a listing carries in `seen` (lib/terraform/locks.ts `MAX_LOCK_BODY_BYTES`:
 * a larger one is listed by its SHA-256 or its ETag only). Terraform writes a few hundred bytes.
 */
export const MAX_SEEN_LOCK_BYTES = 16_384;

/**
 * A lock's `seen` exactly as `GET /locks` lists it (`Lock['seen']`; a unit test holds the two equal):
 * what was read, so a change can be conditional on it. Unknown fields are refused.
 */
export const lockSeenSchema = z
  .object({
    /** DynamoDB: the exact `Info` string (null: the item had none). */
    dynamodbInfo: z.string().max(MAX_SEEN_LOCK_BYTES).nullable().optional(),
    /** DynamoDB: an `Info` that is not a string (number, map, NULL…), as canonical JSON. */
    dynamodbInfoJson: z.string().max(MAX_SEEN_LOCK_BYTES).optional(),
    /** DynamoDB: an oversized `Info` (over 16 KiB), by the SHA-256 of its exact string. */
    dynamodbInfoSha256: z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256 (64 lowercase hex digits)').optional(),
    /** S3: the `.tflock` ETag (what a release is conditional on). */
    lockfileEtag: z.string().max(256).optional(),
    /** S3: the `.tflock` body read (audited; the ETag is what is checked). */
    lockfileBody: z.string().max(MAX_SEEN_LOCK_BYTES).nullable().optional(),
  })
  .strict();

export type LockSeen = z.infer<typeof lockSeenSchema>;

export interface LocksResult {
  locks: Lock[];
  fetchedAt: string;
  /** Partial failures (e.g. the table is missing but the bucket was listed). */
  errors: ErrorJson[];
  notices: string[];
}
