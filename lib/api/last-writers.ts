/** `GET /api/backends/{id}/last-writers?k=<key>&k=…`: who wrote the current version of each state asked for. */
import { z } from 'zod';
import type { AttributionBasis, LockHolder } from '../terraform/attribution';
import { stateKeySchema } from './common';

import { MAX_LAST_WRITER_KEYS } from './last-writers-limit';

export { MAX_LAST_WRITER_KEYS } from './last-writers-limit';

export const lastWritersQuerySchema = z.object({
  keys: z.array(stateKeySchema).min(1, 'at least one key (k=…)').max(MAX_LAST_WRITER_KEYS, `at most ${MAX_LAST_WRITER_KEYS} keys per request`),
});

export interface LastWriter {
  key: string;
  /** The version attributed: the current one when it was looked at (match it by ETag with the listing). */
  versionId: string;
  etag: string;
  lastModified: string | null;
  /** The lock holder, or the operator of a Lockboard restore; null when none can be named (see `attribution`). */
  writer: LockHolder | null;
  attribution: AttributionBasis;
  /** Entries of the key's `.tflock` history (0: none, so a writer can only come from restore metadata). */
  lockHistoryEntries: number;
}

export interface LastWritersResult {
  /** Sorted by key. */
  writers: LastWriter[];
  /** Keys with no current object (deleted, or not in the listing). */
  missing: string[];
  /** Keys whose history could not be read, with why. */
  unreadable: Array<{ key: string; message: string }>;
}
