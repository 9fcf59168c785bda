/**
 * The browser–server contract of incident triage (issue 15): bulk force-unlock, freeze/unfreeze and
 * the use_lockfile migration view. Request schemas (zod) and response types; no server code.
 */
import { z } from 'zod';

/** At most this many locks per bulk unlock request, released at most this many at a time. */
export const BULK_UNLOCK_MAX = 500;
export const BULK_UNLOCK_CONCURRENCY = 8;
/** At most this many states frozen by one request (a prefix matching more is refused). */
export const FREEZE_MAX = 500;

const reason = z.string().trim().min(1, 'a reason is required').max(2000);

/** One lock exactly as the operator saw it in the listing. */
const bulkLockSchema = z
  .object({
    key: z.string().min(1).max(1024),
    id: z.string().max(256),
    source: z.enum(['dynamodb', 's3']).optional(),
    seen: z.object({ dynamodbInfo: z.string().max(16_384).nullable().optional(), lockfileEtag: z.string().max(256).optional() }).strict().optional(),
  })
  .strict();

export type BulkLock = z.infer<typeof bulkLockSchema>;

/** The typed confirmation naming the count: `UNLOCK 14`. */
export function bulkUnlockConfirmation(count: number): string {
  return `UNLOCK ${count}`;
}

/** POST /api/backends/{id}/unlock-many */
export const bulkUnlockBodySchema = z
  .object({
    reason,
    confirmation: z.string().max(64),
    locks: z.array(bulkLockSchema).min(1, 'select at least one lock').max(BULK_UNLOCK_MAX, `at most ${BULK_UNLOCK_MAX} locks per bulk unlock`),
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
 * released by someone else); `refused` (not allowed or not valid: nothing touched); `failed` (an AWS
 * error: see the message, nothing retried).
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
  /** The id of the bulk action's own audit record; every per-lock record carries it as `bulkId`. */
  bulkId: string;
  requested: number;
  counts: Record<BulkUnlockOutcome, number>;
  /** True when some locks were not released. */
  partial: boolean;
  results: BulkUnlockItemResult[];
}
