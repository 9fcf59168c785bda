import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@/lib/audit/audit-record';

/** GET /api/audit?backend=&action=&outcome=&user=&key=&limit=&cursor= */
export const auditQuerySchema = z
  .object({
    backend: z.string().min(1).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    user: z.string().min(1).max(256).optional(),
    key: z.string().min(1).max(1024).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(8192).optional(),
  })
  .strict();
