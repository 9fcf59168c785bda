/**
 * `GET /api/backends/{id}/migration` and `POST …/migration/cleanup` (issue 15): the way from
 * `dynamodb_table` to `use_lockfile`, state by state, and the clean-up of what it leaves behind.
 */
import { z } from 'zod';
import type { MigrationStateReport, MigrationSummary } from '../terraform/lock-migration';
import { lockIdSchema, reasonSchema, stateKeySchema } from './common';

export type { LockModeSeen, MigrationStateReport, MigrationSummary } from '../terraform/lock-migration';

/** At most this many leftovers per clean-up request. */
export const MIGRATION_CLEANUP_MAX = 500;
/** Body cap of `POST …/migration/cleanup`: 500 leftovers, each a key, an ID and a digest or ETag. */
export const MIGRATION_CLEANUP_BODY_LIMIT = 256 * 1024;

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

/** Leftovers as listed; each removed only if unchanged (a `.tflock` only while it is still a stale orphan). */
export const migrationCleanupBodySchema = z
  .object({
    reason: reasonSchema,
    items: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('digest'), key: stateKeySchema, digest: z.string().min(1).max(256) }).strict(),
          z.object({ kind: z.literal('lockfile'), key: stateKeySchema, id: lockIdSchema, etag: z.string().min(1).max(256) }).strict(),
        ]),
      )
      .min(1, 'select at least one leftover')
      .max(MIGRATION_CLEANUP_MAX, `at most ${MIGRATION_CLEANUP_MAX} leftovers per clean-up`),
  })
  .strict();

export type MigrationCleanupBody = z.infer<typeof migrationCleanupBodySchema>;
export type MigrationCleanupItem = MigrationCleanupBody['items'][number];

/**
 * `removed`; `changed` (no longer what was listed, or a `.tflock` that is not a stale orphan: left
 * alone); `gone`; `failed`.
 */
export interface MigrationCleanupItemResult {
  kind: 'digest' | 'lockfile';
  key: string;
  outcome: 'removed' | 'changed' | 'gone' | 'failed';
  message: string;
  /** This item's own audit record (`force-unlock` for a `.tflock`, `migration-cleanup` for a digest). */
  auditId?: string | null;
}

export interface MigrationCleanupResponse {
  /** The request's own audit record; each item's record carries it as `bulkId`. */
  auditId: string;
  partial: boolean;
  results: MigrationCleanupItemResult[];
}
