/** `GET /api/audit`: the audit records of mutation attempts, newest first. */
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome } from './audit-kinds';
import type { ErrorJson } from './errors';

export { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome } from './audit-kinds';

export interface AuditRecord {
  id: string;
  /** When the attempt was received (ISO 8601 UTC). */
  time: string;
  /** When the outcome was known (null while pending). */
  completedAt: string | null;
  user: string;
  anonymous: boolean;
  /**
   * The tool the change was made through, as the request named it in `X-Lockboard-Client`
   * (`cli/<version>`, `mcp/<agent>`): printable ASCII, at most 128 characters; absent when not named.
   * `user` is still the identity the server verified (the human behind an agent).
   */
  via?: string | null;
  backend: string;
  /** The state key the change was about (null when the request did not say). */
  key: string | null;
  action: AuditAction;
  reason: string | null;
  /** What the operator saw before deciding (full lock info, digest, version…), as validated. */
  seen: unknown;
  outcome: AuditOutcome;
  errorCode: string | null;
  errorMessage: string | null;
  /** What the server found and did (sides released, digest written, the newer lock on a 409…). */
  details: Record<string, unknown> | null;
  /**
   * Only with `foreign=show`, on a record NOT written by Lockboard: `unsigned` (planted, or written by a
   * Lockboard before records were signed), `unknown_key` (signed with another key), `bad_signature`
   * (altered or forged). Absent on Lockboard's own (signed) records.
   */
  foreign?: 'unsigned' | 'unknown_key' | 'bad_signature';
}

/** `GET /api/audit?backend=&action=&outcome=&user=&key=&id=&limit=` (an empty field means "any"). */
export const auditQuerySchema = z
  .object({
    backend: z.string().min(1).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    user: z.string().min(1).max(256).optional(),
    key: z.string().min(1).max(1024).optional(),
    /** One record by its id (a mutation's answer carries it as `auditId`). */
    id: z.string().min(1).max(128).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** Opaque: the `next` of the previous page. */
    cursor: z.string().min(1).max(8192).optional(),
    /** `show`: also list the records not written by Lockboard, flagged (`foreign`); default: count them. */
    foreign: z.enum(['hide', 'show']).optional(),
  })
  .strict();

export interface AuditListing {
  records: AuditRecord[];
  /** Backends whose records could not be read. */
  errors: ErrorJson[];
  /** True when a backend had more history than was examined for this page (follow `next`). */
  truncated: boolean;
  /**
   * Among the objects examined for this page: `hidden`, records matching the filter that Lockboard did
   * not write (unsigned or wrongly signed; shown flagged with `foreign=show`); `unreadable`, objects
   * under the audit prefix that are not records (too large to be one, or not a record), never read in full.
   */
  foreign: { hidden: number; unreadable: number };
  /**
   * Opaque cursor of the next page (pass it back as `cursor` with the same filters), null when every
   * record of the selected backends has been examined.
   */
  next: string | null;
}
