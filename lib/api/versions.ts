/**
 * The version history of one state and what is read from one version: `GET …/versions`,
 * `…/version-metadata`, `…/object` (raw download) and `…/restore-marks`.
 */
import { z } from 'zod';
import type { AttributionBasis, LockHolder } from '../terraform/attribution';
import type { StateKind, StateMetadata } from '../terraform/state-file';
import { stateKeySchema, versionIdSchema } from './common';

export { stateKeySchema, versionIdSchema };
export type { StateKind };

/** `GET /api/backends/{id}/versions?key=&writers=1` */
export const versionsQuerySchema = z.object({
  key: stateKeySchema,
  writers: z.enum(['0', '1', 'true', 'false']).optional(),
});

export type BucketVersioning = 'Enabled' | 'Suspended' | 'Disabled';

/** One version or delete marker of a state, newest first in a listing. */
export interface StateVersion {
  /** `"null"` for an object written while versioning was off or suspended. */
  versionId: string;
  lastModified: string | null;
  size: number;
  /** ETag without quotes ("" for a delete marker). */
  etag: string;
  isLatest: boolean;
  deleteMarker: boolean;
  /**
   * Only with `writers`: who wrote this version (the lock holder, or the operator of a Lockboard
   * restore), null when there is none to name; `attribution` says how it was found (or why not).
   */
  writer?: LockHolder | null;
  attribution?: AttributionBasis;
}

export interface VersionsResult {
  key: string;
  versions: StateVersion[];
  versioning: BucketVersioning;
  fetchedAt: string;
  /** Only with `writers`: how many `.tflock` entries were found, and what that means. */
  lockHistory?: { entries: number; note: string | null };
}

/** `GET /api/backends/{id}/version-metadata?key=&versionId=` */
export const versionMetadataQuerySchema = z.object({ key: stateKeySchema, versionId: versionIdSchema });

export interface VersionMetadata extends StateMetadata {
  versionId: string | null;
  etag: string;
  lastModified: string | null;
  /** Lowercase hex MD5 of the bytes: what a `-md5` digest item must hold for this version. */
  md5: string;
}

export interface VersionMetadataResult {
  key: string;
  versionId: string;
  metadata: VersionMetadata;
}

/** `GET /api/backends/{id}/object?key=&versionId=`: the exact bytes, as a download. */
export const objectQuerySchema = z.object({ key: stateKeySchema, versionId: versionIdSchema.optional() });

/** `GET /api/backends/{id}/restore-marks?key=&v=<versionId>&v=…` */
export const MAX_MARKED_VERSIONS = 100;
export const restoreMarksQuerySchema = z.object({
  key: stateKeySchema,
  versionIds: z.array(versionIdSchema).max(MAX_MARKED_VERSIONS, `at most ${MAX_MARKED_VERSIONS} versions per request`),
});

export interface RestoreMarks {
  key: string;
  /** Version ID → the version it restored, only for versions written by a restore. */
  marks: Record<string, string>;
  /**
   * Version ID → the operator who restored it and the lock ID Lockboard held (S3 metadata
   * `lockboard-restored-by`), only for restores that recorded their operator.
   */
  restoredBy: Record<string, { by: string; lockId: string | null }>;
  /** Versions whose metadata could not be read (no mark shown for them). */
  unreadable: string[];
}
