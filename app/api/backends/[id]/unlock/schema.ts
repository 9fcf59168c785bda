import { z } from 'zod';

/** POST /api/backends/{id}/unlock */
export const unlockBodySchema = z
  .object({
    key: z.string().min(1, 'the state key is required').max(1024),
    /** The lock ID the operator saw; '' only for a malformed lock without ID, matched by `seen`. */
    id: z.string().max(256),
    reason: z.string().trim().min(1, 'a reason is required').max(2000),
    source: z.enum(['dynamodb', 's3']).optional(),
    seen: z
      .object({
        dynamodbInfo: z.string().max(65_536).nullable().optional(),
        dynamodbInfoSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
        lockfileEtag: z.string().max(256).optional(),
        // The listing also carries the body it read; accepted (and audited) but the ETag is what is checked.
        lockfileBody: z.string().max(65_536).nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((b) => b.id !== '' || (b.seen !== undefined && (b.seen.dynamodbInfo !== undefined || b.seen.dynamodbInfoSha256 !== undefined || b.seen.lockfileEtag !== undefined)), {
    message: 'the lock ID is required (a lock without ID is identified by the raw value seen: seen.dynamodbInfo or seen.lockfileEtag)',
    path: ['id'],
  });

export type UnlockBody = z.infer<typeof unlockBodySchema>;
