/**
 * The browser–server contract of incident triage (issue 15): bulk force-unlock, freeze/unfreeze and
 * the use_lockfile migration view. Request schemas (zod) and response types; no server code.
 */
import { z } from 'zod';
import type { MigrationStateReport, MigrationSummary } from '../terraform/lock-migration';
import { BULK_UNLOCK_MAX, bulkUnlockConfirmation } from './bulk-unlock-rules';

export { BULK_UNLOCK_MAX, bulkUnlockConfirmation } from './bulk-unlock-rules';
/** Locks released at most this many at a time. */
/** Body cap of `POST …/unlock-many`: 500 locks, each with its key, ID and the raw values seen. */
export const BULK_UNLOCK_BODY_LIMIT = 2 * 1024 * 1024;
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

// ---------- freeze / unfreeze ----------

/** POST /api/backends/{id}/freeze: exactly one of `key` (one state) or `prefix` (every state under it). */
export const freezeBodySchema = z
  .object({
    key: z.string().min(1).max(1024).optional(),
    prefix: z.string().min(1, 'the prefix must not be empty (freezing a whole bucket needs an explicit prefix)').max(1024).optional(),
    reason: z.string().trim().min(1, 'a reason is required').max(500, 'the reason is printed in Terraform\u2019s lock error: at most 500 characters'),
    /** Optional expiry reminder (ISO 8601): shown with the freeze; Lockboard never unfreezes by itself. */
    reviewBy: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .refine((b) => (b.key === undefined) !== (b.prefix === undefined), { message: 'give exactly one of key or prefix', path: ['key'] });

export type FreezeBody = z.infer<typeof freezeBodySchema>;

/** `frozen` (lock taken); `already_frozen` (a Lockboard freeze holds it); `locked` (someone else holds it: untouched); `failed`. */
export type FreezeOutcome = 'frozen' | 'already_frozen' | 'locked' | 'failed';

export interface FreezeItemResult {
  key: string;
  outcome: FreezeOutcome;
  message: string;
  /** The freeze's lock ID (frozen) or the holder's (already_frozen, locked). */
  lockId: string | null;
  holder?: { who: string; operation: string; created: string; info: string } | null;
}

export interface FreezeResponse {
  /** The audit record of the freeze. */
  auditId: string;
  requested: number;
  counts: Record<FreezeOutcome, number>;
  partial: boolean;
  results: FreezeItemResult[];
}

/** POST /api/backends/{id}/unfreeze: the freeze locks as listed (key + lock ID). */
export const unfreezeBodySchema = z
  .object({
    reason: z.string().trim().min(1, 'a reason is required').max(2000),
    locks: z
      .array(z.object({ key: z.string().min(1).max(1024), id: z.string().min(1).max(256) }).strict())
      .min(1, 'select at least one frozen state')
      .max(FREEZE_MAX, `at most ${FREEZE_MAX} states per unfreeze`),
  })
  .strict();

export type UnfreezeBody = z.infer<typeof unfreezeBodySchema>;

/** `released`; `not_a_freeze` (the lock there is not this Lockboard freeze: untouched); `gone`; `failed`. */
export type UnfreezeOutcome = 'released' | 'not_a_freeze' | 'gone' | 'failed';

export interface UnfreezeItemResult {
  key: string;
  id: string;
  outcome: UnfreezeOutcome;
  message: string;
}

export interface UnfreezeResponse {
  auditId: string;
  counts: Record<UnfreezeOutcome, number>;
  partial: boolean;
  results: UnfreezeItemResult[];
}

// ---------- use_lockfile migration ----------

export type { LockModeSeen, MigrationStateReport, MigrationSummary } from '../terraform/lock-migration';

/** A `.tflock` left by a crashed client: stale, and either no state object or no DynamoDB side in dual mode. */
export interface OrphanLockfile {
  key: string;
  id: string;
  etag: string;
  who: string;
  operation: string;
  created: string;
  ageSeconds: number | null;
  why: string;
}

/** GET /api/backends/{id}/migration */
export interface MigrationResponse {
  backend: string;
  configured: { dynamodbTable: boolean; useLockfile: boolean };
  versioning: 'Enabled' | 'Suspended' | 'Disabled' | 'unknown';
  summary: MigrationSummary;
  states: MigrationStateReport[];
  orphanLockfiles: OrphanLockfile[];
  /** More states than analysed (the rest are left out, said here). */
  truncated: boolean;
  notices: string[];
}

/** POST /api/backends/{id}/migration/cleanup: leftovers as listed; each removed only if unchanged. */
export const migrationCleanupBodySchema = z
  .object({
    reason: z.string().trim().min(1, 'a reason is required').max(2000),
    items: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('digest'), key: z.string().min(1).max(1024), digest: z.string().min(1).max(256) }).strict(),
          z.object({ kind: z.literal('lockfile'), key: z.string().min(1).max(1024), id: z.string().max(256), etag: z.string().min(1).max(256) }).strict(),
        ]),
      )
      .min(1, 'select at least one leftover')
      .max(FREEZE_MAX, `at most ${FREEZE_MAX} leftovers per clean-up`),
  })
  .strict();

export type MigrationCleanupBody = z.infer<typeof migrationCleanupBodySchema>;

export interface MigrationCleanupItemResult {
  kind: 'digest' | 'lockfile';
  key: string;
  outcome: 'removed' | 'changed' | 'gone' | 'failed';
  message: string;
}

export interface MigrationCleanupResponse {
  auditId: string;
  partial: boolean;
  results: MigrationCleanupItemResult[];
}
