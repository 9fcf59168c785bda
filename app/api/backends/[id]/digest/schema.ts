import { z } from 'zod';

/** POST /api/backends/{id}/digest */
export const repairDigestBodySchema = z
  .object({
    key: z.string().min(1, 'the state key is required').max(1024),
    /** The Digest the operator saw; null when there was no digest item (the field itself is required). */
    expected: z.string().max(1024).nullable(),
    reason: z.string().trim().min(1, 'a reason is required').max(2000),
  })
  .strict();
