import { z } from 'zod';
import { stateKeySchema, versionIdSchema } from '../versions/schema';

/** POST /api/backends/{id}/restore */
export const restoreBodySchema = z
  .object({
    key: stateKeySchema,
    /** The version to restore. */
    versionId: versionIdSchema,
    /** The latest version the operator saw: the restore is refused (409) if it changed. */
    expectedCurrentVersionId: versionIdSchema,
    reason: z.string().trim().min(1, 'a reason is required').max(2000),
    /** Like `terraform state push -force` for the lineage check only. */
    allowLineageChange: z.boolean().optional(),
  })
  .strict();

export type RestoreBody = z.infer<typeof restoreBodySchema>;
