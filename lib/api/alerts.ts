/**
 * The alerting contract: the events Lockboard derives and sends to channels, and the Alerts page's
 * JSON (GET /api/alerts, POST /api/alerts/test). Shared by the server and the browser (types only).
 */
import { z } from 'zod';
import type { LockLiveness } from '../terraform/liveness';

/** `download`: a raw state download (its own type, off by default: a channel must name it in `events`). */
export const EVENT_TYPES = ['lock.stale', 'lock.released', 'lock.split', 'lock.malformed', 'lock.dead', 'lock.auto_released', 'digest.mismatch', 'mutation', 'download', 'test'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The lock holder fields as Terraform wrote them (LockInfo), with what Lockboard derived. */
export interface EventLock {
  id: string;
  operation: string;
  who: string;
  info: string;
  version: string;
  created: string;
  path: string;
  sources: string[];
  problems: string[];
  ageSeconds: number | null;
}

export interface LockboardEvent {
  /** Stable: every replica derives the same id for the same fact (it is the claim name and X-Lockboard-Delivery). */
  id: string;
  type: EventType;
  /** When this replica noticed it (ISO 8601). */
  at: string;
  backend: { id: string; name: string };
  key: string | null;
  workspace: string | null;
  /** One readable line: who, how long, what. */
  summary: string;
  /** Deep link to the lock or state in Lockboard (null without `publicUrl`). */
  link: string | null;
  lock?: EventLock;
  ageSeconds?: number | null;
  /** For locks: the exact `terraform force-unlock` command, its ID quoted for a POSIX shell. */
  forceUnlock?: string;
  /** lock.stale: 0 for the first notice, n for the n-th reminder. */
  reminder?: number;
  /** lock.dead, lock.auto_released: the evidence (last heartbeat, the process it names, the last state write). */
  liveness?: LockLiveness;
  /** lock.released: how it went away. */
  released?: { by: 'lockboard' | 'holder_or_other'; actor: string | null; reason: string | null };
  digest?: { stored: string | null; calculated: string | null; etag: string | null };
  mutation?: { action: string; actor: string; reason: string | null; outcome: string; errorCode: string | null; errorMessage: string | null; auditId: string };
  /** A summary of the `mutation`/`download` events of one actor not sent one by one (per-actor rate limit of a replica). */
  rateLimited?: { actor: string; suppressed: number; from: string; to: string };
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'claimed_elsewhere' | 'filtered' | 'claim_failed';

export interface DeliveryAttempt {
  eventId: string;
  eventType: EventType;
  channel: string;
  at: string;
  outcome: DeliveryOutcome;
  attempts: number;
  /** HTTP status or AWS error, when there was one. */
  detail: string | null;
}

export interface ChannelStatus {
  name: string;
  type: 'webhook' | 'slack' | 'sns';
  lastOutcome: DeliveryOutcome | null;
  lastAt: string | null;
  lastDetail: string | null;
  delivered: number;
  failed: number;
}

export interface AlertsOverview {
  enabled: boolean;
  channels: ChannelStatus[];
  events: LockboardEvent[];
  attempts: DeliveryAttempt[];
}

export const testMessageRequestSchema = z.object({ channel: z.string().min(1).max(100) }).strict();
export type TestMessageRequest = z.infer<typeof testMessageRequestSchema>;
