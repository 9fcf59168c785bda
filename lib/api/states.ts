/** `GET /api/backends/{id}/states`: every state of a backend with its digest health and live lock. */
import type { DigestStatus } from '../terraform/digest';
import type { Lock } from '../terraform/locks';
import type { ErrorJson } from './errors';

export type { DigestStatus };

export interface StateEntry {
  key: string;
  workspace: string;
  /** Null for an orphan digest (no object). */
  size: number | null;
  lastModified: string | null;
  etag: string | null;
  /** The raw `Digest` of `<bucket>/<key>-md5`, or null when there is no such item. */
  digest: string | null;
  digestStatus: DigestStatus;
  digestReason?: string;
  /** The MD5 of the object's bytes, when known (proven by the ETag or hashed after download). */
  calculatedMd5?: string;
  /** The live lock of this path (as in `/locks`), or null. */
  lock: Lock | null;
}

export interface StatesResult {
  states: StateEntry[];
  fetchedAt: string;
  /** Partial failures (e.g. the table is unreadable, so digests are unverified). */
  errors: ErrorJson[];
  notices: string[];
}
