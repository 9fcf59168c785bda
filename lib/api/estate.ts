/**
 * Contract of the estate: `GET /api/estate` (accounts → backends → locks, digests, posture, rolled
 * up; discovery's progress and problems) and `POST /api/estate/proposals` (accept or ignore a
 * discovered backend). Browser-safe: zod and types only.
 */
import { z } from 'zod';
import { reasonSchema } from './common';
import type { DiscoveryFinding, DiscoveryFindingCode } from '../terraform/discovery-rules';

export type { DiscoveryFinding, DiscoveryFindingCode } from '../terraform/discovery-rules';

/** What the estate can be filtered by, and rolled up on. */
export const ESTATE_PROBLEMS = ['locked', 'stale_locks', 'digest_problems', 'versioning_off', 'history_expiring', 'no_replication', 'unreadable', 'proposed'] as const;
export type EstateProblem = (typeof ESTATE_PROBLEMS)[number];

/** `GET /api/estate?account=&region=&problem=` (an empty field means "any"). */
export const estateQuerySchema = z
  .object({
    account: z.string().regex(/^\d{12}$/, 'an AWS account ID (12 digits)').optional(),
    region: z.string().regex(/^[a-z0-9-]{1,40}$/, 'a region name').optional(),
    problem: z.enum(ESTATE_PROBLEMS).optional(),
  })
  .strict();
export type EstateQuery = z.infer<typeof estateQuerySchema>;

/** A discovered backend's id: what the configuration allows for any backend id. */
const backendIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'a backend id');

/**
 * `POST /api/estate/proposals`: accept (watch it) or ignore a discovered backend. `key` is its
 * backend id (decisions are authorised and audited per key of the `estate` records, so access rules
 * can scope them by id glob, e.g. `111122223333-*`); `seen` is the decision as shown (null: none),
 * and the change is made only if it is still that one.
 */
export const estateDecisionBodySchema = z
  .object({
    key: backendIdSchema,
    decision: z.enum(['accept', 'ignore']),
    reason: reasonSchema,
    seen: z.object({ etag: z.string().min(1).max(200).nullable() }).strict(),
  })
  .strict();
export type EstateDecisionBody = z.infer<typeof estateDecisionBodySchema>;

export const ESTATE_DECISION_BODY_LIMIT = 8 * 1024;

/** A stored decision as the page shows it. */
export interface EstateDecision {
  decision: 'accepted' | 'ignored';
  by: string;
  at: string;
  reason: string;
  /** The stored object's ETag: what a change is conditional on. */
  etag: string;
}

export interface EstateDecisionResult {
  backendId: string;
  decision: EstateDecision;
  auditId: string;
}

/**
 * - `configured`: in the configuration (found by discovery too);
 * - `watched`: discovered and watched (`autoWatch`, or accepted);
 * - `proposed`: discovered, waiting for an operator;
 * - `ignored`: an operator ignored it;
 * - `not_seen`: accepted earlier but not found by the last run (account unreadable, bucket gone): still watched.
 */
export type EstateBackendStatus = 'configured' | 'watched' | 'proposed' | 'ignored' | 'not_seen';

export interface EstatePosture {
  restore: 'ok' | 'at_risk' | 'impossible' | 'unknown';
  /** null: not checked (the finding says why). */
  versioningOff: boolean | null;
  historyExpiring: boolean | null;
  noReplication: boolean | null;
}

export interface EstateBackend {
  id: string;
  accountId: string | null;
  bucket: string;
  region: string;
  dynamodbTable: string | null;
  useLockfile: boolean;
  workspaceKeyPrefix: string;
  workspacePrefixSeen: string | null;
  status: EstateBackendStatus;
  watch: 'auto' | 'accepted' | 'configured' | null;
  decision: EstateDecision | null;
  /** What discovery saw: states (a lower bound when `countsComplete` is false), and how it found it. */
  stateCount: number | null;
  countsComplete: boolean;
  evidence: string[];
  /** False when the caller may not view this backend's id (they see it as an estate viewer): no locks, digests or posture then. */
  viewable: boolean;
  /** From the backend's latest read (null: not watched, not viewable, or not read: see `readError`). */
  locks: { count: number; stale: number } | null;
  /** States Terraform would refuse (digest mismatch or orphan digest); null when not read. */
  digestProblems: number | null;
  readError: string | null;
  /** Null until read (bucket settings are read in the background and cached a few minutes). */
  posture: EstatePosture | null;
  problems: EstateProblem[];
}

export interface EstateAccount {
  id: string;
  name: string | null;
  /** `ok`: everything read; `partial`: something unreadable (see findings); `unreadable`: the role could not be assumed; `skipped`: not ACTIVE. */
  outcome: 'ok' | 'partial' | 'unreadable' | 'skipped';
  /** AWS requests discovery made in this account (every attempt). */
  calls: number;
  durationMs: number;
  findings: DiscoveryFinding[];
  backends: EstateBackend[];
}

export interface EstateRollup {
  problem: EstateProblem;
  /** Accounts (of those shown) with at least one backend with this problem. */
  accounts: number;
  backends: number;
  /** Watched backends where it is not known yet (not read, or not checked). */
  unknown: number;
}

export interface DiscoveryProgress {
  state: 'off' | 'waiting' | 'running' | 'idle';
  startedAt: string | null;
  finishedAt: string | null;
  nextRunAt: string | null;
  accountsDone: number;
  accountsTotal: number;
  durationMs: number | null;
  calls: number;
  /** Problems of the run as a whole (the organisation could not be listed, decisions unreadable…). */
  findings: DiscoveryFinding[];
}

export interface EstateResponse {
  enabled: boolean;
  progress: DiscoveryProgress;
  /** Accounts the caller sees (every account with a backend they may view; all of them with viewer on `estate`). */
  accountCount: number;
  rollups: EstateRollup[];
  counts: Record<EstateBackendStatus, number>;
  /** Filtered by the query; account and region choices for the filters. */
  accounts: EstateAccount[];
  choices: { accounts: Array<{ id: string; name: string | null }>; regions: string[] };
  /** Whether the caller may accept or ignore proposals (operator on `estate`, not read-only). */
  canDecide: boolean;
  fetchedAt: string;
}

/** Finding codes that make an account `partial`. */
export const PARTIAL_CODES: readonly DiscoveryFindingCode[] = ['region_unreadable', 'buckets_unreadable', 'table_unreadable', 'bucket_unreadable', 'call_budget_reached'];
