/** `POST /api/backends/{id}/restore`: restore a prior version as the new latest version, under a Terraform lock. */
import { z } from 'zod';
import { reasonSchema, stateKeySchema, versionIdSchema } from './common';

export const restoreBodySchema = z
  .object({
    key: stateKeySchema,
    /** The version to restore. */
    versionId: versionIdSchema,
    /** The latest version the operator saw: the restore is refused (409) if it changed. */
    expectedCurrentVersionId: versionIdSchema,
    reason: reasonSchema,
    /** Like `terraform state push -force` for the lineage check only. */
    allowLineageChange: z.boolean().optional(),
  })
  .strict();

export type RestoreBody = z.infer<typeof restoreBodySchema>;

/**
 * What a restore changed, in its error's `changed` detail (a failure part-way, or success with
 * something left over) and in the audit record.
 */
export interface RestoreChanged {
  /** null: could not be determined (the write's answer was lost and the follow-up read failed). */
  objectWritten: boolean | null;
  newVersionId: string | null;
  digestUpdated: boolean;
  /** Whether Lockboard had taken (part of) its Terraform lock: false when the state was locked by someone else first. */
  lockTaken: boolean;
  /** Whether the lock Lockboard took was given back (true when none was taken). */
  lockReleased: boolean;
}

/** The Terraform lock the restore held, when it could not be given back. */
export interface RestoreLockLeft {
  released: false;
  id: string;
  reason: string;
  /** The command that releases it. */
  forceUnlock: string;
}

export interface RestoreResult {
  /** The new latest version. */
  versionId: string;
  /** Serial of the written document (a string past 2^53; null when unknown: encrypted). */
  serial: number | string | null;
  /** MD5 of the written bytes, stored as the digest when the backend has a table (else null). */
  digest: string | null;
  serialBumped: boolean;
  restoredFrom: string;
  previousVersionId: string;
  previousSerial: number | string | null;
  lockId: string;
  /** `released: true`, or the lock left behind (the restore itself succeeded) with the way out. */
  lock: { released: true; id: string } | RestoreLockLeft;
  warnings: string[];
}
