/**
 * `POST /api/backends/{id}/freeze` and `…/unfreeze` (issue 15): a real Terraform lock taken on
 * purpose, with a reason Terraform prints to whoever is blocked, and its release.
 */
import { z } from 'zod';
import { lockIdSchema, reasonSchema, stateKeySchema } from './common';

/** At most this many states frozen (or unfrozen) by one request (a prefix matching more is refused). */
export const FREEZE_MAX = 500;
/** Body cap of `POST …/unfreeze`: 500 freezes, each a key and an ID. */
export const UNFREEZE_BODY_LIMIT = 256 * 1024;

/** Exactly one of `key` (one state) or `prefix` (every state under it, each needing operator on its own key). */
export const freezeBodySchema = z
  .object({
    key: stateKeySchema.optional(),
    prefix: z.string().min(1, 'the prefix must not be empty (freezing a whole bucket needs an explicit prefix)').max(1024).optional(),
    // Printed in Terraform's lock error, so shorter than the other reasons.
    reason: reasonSchema.max(500, 'the reason is printed in Terraform\u2019s lock error: at most 500 characters'),
    /** Optional expiry reminder (ISO 8601): shown with the freeze; Lockboard never unfreezes by itself. */
    reviewBy: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .refine((b) => (b.key === undefined) !== (b.prefix === undefined), { message: 'give exactly one of key or prefix', path: ['key'] });

export type FreezeBody = z.infer<typeof freezeBodySchema>;

/** `frozen` (lock taken); `already_frozen` (a Lockboard freeze holds it); `locked` (someone else holds it: untouched); `failed`. */
export type FreezeOutcome = 'frozen' | 'already_frozen' | 'locked' | 'failed';

export interface FreezeItemResult {
  key: string;
  outcome: FreezeOutcome;
  message: string;
  /** The freeze's lock ID (frozen) or the holder's (already_frozen, locked). */
  lockId: string | null;
  holder?: { who: string; operation: string; created: string; info: string } | null;
  /** This state's own audit record. */
  auditId?: string | null;
}

export interface FreezeResponse {
  /** The request's own audit record; each state's record carries it as `bulkId`. */
  auditId: string;
  requested: number;
  counts: Record<FreezeOutcome, number>;
  partial: boolean;
  results: FreezeItemResult[];
}

/** The freeze locks as listed (key + lock ID). */
export const unfreezeBodySchema = z
  .object({
    reason: reasonSchema,
    locks: z
      .array(z.object({ key: stateKeySchema, id: lockIdSchema.min(1, 'required') }).strict())
      .min(1, 'select at least one frozen state')
      .max(FREEZE_MAX, `at most ${FREEZE_MAX} states per unfreeze`),
  })
  .strict();

export type UnfreezeBody = z.infer<typeof unfreezeBodySchema>;

/** `released`; `not_a_freeze` (the lock there is not this Lockboard freeze: untouched); `gone`; `failed`. */
export type UnfreezeOutcome = 'released' | 'not_a_freeze' | 'gone' | 'failed';

export interface UnfreezeItemResult {
  key: string;
  id: string;
  outcome: UnfreezeOutcome;
  message: string;
  /** This freeze's own audit record. */
  auditId?: string | null;
}

export interface UnfreezeResponse {
  /** The request's own audit record; each freeze's record carries it as `bulkId`. */
  auditId: string;
  counts: Record<UnfreezeOutcome, number>;
  partial: boolean;
  results: UnfreezeItemResult[];
}
