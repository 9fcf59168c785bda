/** `POST /api/backends/{id}/digest`: make the `-md5` digest item agree with the state object. */
import { z } from 'zod';
import { reasonSchema, stateKeySchema } from './common';

export const repairDigestBodySchema = z
  .object({
    key: stateKeySchema,
    /** The Digest the operator saw; null when there was no digest item (the field itself is required). */
    expected: z.string().max(1024).nullable(),
    reason: reasonSchema,
  })
  .strict();

export type RepairDigestBody = z.infer<typeof repairDigestBodySchema>;

export interface RepairDigestResult {
  repaired: true;
  key: string;
  /** `set`: Digest written; `delete`: digest item removed. */
  action: 'set' | 'delete';
  /** The new Digest (null after a delete). */
  digest: string | null;
  previous: string | null;
  /** The state object the digest now agrees with (null when there is none). */
  object: { etag: string; versionId: string | null; size: number } | null;
}
