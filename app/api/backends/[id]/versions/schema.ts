import { z } from 'zod';

/** An S3 object key (1–1024 characters). */
export const stateKeySchema = z.string().min(1, 'required').max(1024, 'an S3 key has at most 1024 characters');
/** An S3 version ID ("null" for an object written without versioning). */
export const versionIdSchema = z.string().min(1, 'required').max(1024).regex(/^[\x21-\x7e]+$/, 'not a version ID');

export const versionsQuerySchema = z.object({
  key: stateKeySchema,
  writers: z.enum(['0', '1', 'true', 'false']).optional(),
});
