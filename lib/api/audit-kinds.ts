/** The actions and outcomes of audit records, without zod (the browser's audit filters use them; lib/api/audit.ts re-exports them). */

/** `download`: a raw state download (who read which version's plaintext). `discovery-decision`: a discovered backend accepted or ignored (backend `estate`, key: its id). */
export const AUDIT_ACTIONS = ['force-unlock', 'repair-digest', 'restore', 'download', 'bulk-unlock', 'freeze', 'unfreeze', 'migration-cleanup', 'discovery-decision'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `pending`: written before the change and not completed (still running, or the server died mid-way). */
/** `interrupted`: a `pending` record older than the mutation deadline, completed by the sweep (see audit-log). */
export const AUDIT_OUTCOMES = ['pending', 'refused', 'succeeded', 'failed', 'interrupted'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
