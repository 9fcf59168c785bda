/**
 * `POST /api/backends/{id}/unlock-many`: bulk force-unlock (issue 15). Many locks, each named as
 * `GET /locks` lists it (lib/api/unlock.ts `lockRefSchema`), one reason, one typed confirmation.
 */
import { z } from 'zod';
import { BULK_UNLOCK_MAX, bulkUnlockConfirmation } from './bulk-unlock-rules';
import { reasonSchema } from './common';
import { lockRefSchema, type LockRef } from './unlock';

export { BULK_UNLOCK_MAX, bulkUnlockConfirmation } from './bulk-unlock-rules';
/** Body cap of `POST …/unlock-many`: 500 locks, each with its key, ID and the raw values seen. */
export const BULK_UNLOCK_BODY_LIMIT = 2 * 1024 * 1024;
/** Locks released at most this many at a time. */
export const BULK_UNLOCK_CONCURRENCY = 8;

/** One lock exactly as the operator saw it in the listing. */
export type BulkLock = LockRef;

export const bulkUnlockBodySchema = z
  .object({
    reason: reasonSchema,
    confirmation: z.string().max(64),
    locks: z.array(lockRefSchema).min(1, 'select at least one lock').max(BULK_UNLOCK_MAX, `at most ${BULK_UNLOCK_MAX} locks per bulk unlock`),
  })
  .strict()
  .refine((b) => b.confirmation.trim() === bulkUnlockConfirmation(b.locks.length), {
    message: 'the confirmation must name the number of locks selected, e.g. "UNLOCK 14"',
    path: ['confirmation'],
  })
  .refine((b) => new Set(b.locks.map((l) => `${l.key}\u0000${l.id}\u0000${l.source ?? ''}`)).size === b.locks.length, {
    message: 'the same lock is listed twice',
    path: ['locks'],
  });

export type BulkUnlockBody = z.infer<typeof bulkUnlockBodySchema>;

/**
 * One lock's outcome: `released`; `changed` (someone else's lock is there now: kept); `gone` (already
 * released by someone else); `refused` (not valid here: nothing touched); `failed` (an AWS error: see
 * the message, nothing retried). A lock on a key the caller may not change refuses the whole request
 * (403) before anything is touched.
 */
export type BulkUnlockOutcome = 'released' | 'changed' | 'gone' | 'refused' | 'failed';

export interface BulkUnlockItemResult {
  key: string;
  id: string;
  outcome: BulkUnlockOutcome;
  message: string;
  /** Sides released (released only). */
  sources?: Array<'dynamodb' | 's3'>;
  /** The error code behind a non-released outcome. */
  code?: string;
  /** The audit record of this lock. */
  auditId?: string | null;
}

export interface BulkUnlockResponse {
  /** The id of the request's own audit record; every per-lock record carries it as `bulkId`. */
  bulkId: string;
  requested: number;
  counts: Record<BulkUnlockOutcome, number>;
  /** True when some locks were not released. */
  partial: boolean;
  results: BulkUnlockItemResult[];
}
