/** `GET /api/backends/{id}/diff?key=&from=&to=&offset=&limit=`: two versions compared, secrets masked. */
import { z } from 'zod';
import type { DiffPage, DiffSide, StateDiff } from '../terraform/state-diff';
import { stateKeySchema, versionIdSchema } from './common';

export const DEFAULT_DIFF_LIMIT = 100;
export const MAX_DIFF_LIMIT = 1000;

export const diffQuerySchema = z.object({
  key: stateKeySchema,
  from: versionIdSchema.optional(),
  to: versionIdSchema.optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_DIFF_LIMIT).optional(),
});

export type DiffQuery = z.infer<typeof diffQuerySchema>;

export interface DiffEnd extends DiffSide {
  versionId: string;
  lastModified: string | null;
}

export interface DiffResult extends Omit<StateDiff, 'from' | 'to'> {
  key: string;
  from: DiffEnd;
  to: DiffEnd;
  page: DiffPage;
}
