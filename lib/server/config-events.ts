/**
 * Event mode of a backend (issue 24): the `events` block of a backend in the config file. Kept in its
 * own file so the configuration's schema only imports it. Polling stays the default: a backend without
 * `events` is read whole every `watchIntervalSeconds`, as before.
 *
 *   "events": {
 *     "s3": { "topicArn": "arn:aws:sns:…:lockboard-state-events" },   // or { "queueUrl": "https://sqs…/q-{replica}" }
 *     "dynamodbStreamArn": "arn:aws:dynamodb:…:table/locks/stream/2026-…",
 *     "reconcileMinutes": 10
 *   }
 */
import os from 'node:os';
import { z } from 'zod';

const topicArn = z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN (standard, not FIFO)');
const queueUrl = z.url({ protocol: /^https?$/ }).max(1024);

export const backendEventsSchema = z
  .object({
    /**
     * Where the bucket's object events arrive. `topicArn`: each replica creates its own queue at
     * start-up, subscribes it to the topic and deletes it on a clean shutdown (the fan-out: every
     * replica sees every event). `queueUrl`: a queue provisioned for this replica; `{replica}` in it is
     * replaced by the replica id (LOCKBOARD_REPLICA_ID), so each replica reads its own.
     */
    s3: z.union([z.object({ topicArn }).strict(), z.object({ queueUrl }).strict()]).optional(),
    /** The lock table's stream (NEW_AND_OLD_IMAGES or KEYS_ONLY), read directly by every replica. */
    dynamodbStreamArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}\/stream\/.+$/, 'must be a DynamoDB stream ARN')
      .optional(),
    /** A full read (Scan + listing) this often catches anything missed; differences count as events lost. */
    reconcileMinutes: z.number().min(0.05).max(1440).default(10),
    /** A failed source (queue missing or denied, stream iterator expired) is tried again this often. */
    retrySeconds: z.number().min(1).max(3600).default(30),
    /** How long one ReceiveMessage waits (SQS long poll, 1–20 s): shorter notices a deleted queue sooner, for more requests. */
    longPollSeconds: z.int().min(1).max(20).default(20),
  })
  .strict()
  .refine((e) => e.s3 !== undefined || e.dynamodbStreamArn !== undefined, 'name at least one source: s3 (topicArn or queueUrl) or dynamodbStreamArn');

export interface BackendEventsConfig {
  /** The bucket's object events: a topic (one queue per replica, created by it) or this replica's queue. */
  s3: { kind: 'topic'; topicArn: string } | { kind: 'queue'; queueUrl: string } | null;
  dynamodbStreamArn: string | null;
  reconcileMinutes: number;
  retrySeconds: number;
  longPollSeconds: number;
}

/** The block as the schema reads it (`{replica}` still in a queue URL: see withReplica). */
export const resolvedBackendEventsSchema = backendEventsSchema.transform(
  (e): BackendEventsConfig => ({
    s3: e.s3 === undefined ? null : 'topicArn' in e.s3 ? { kind: 'topic', topicArn: e.s3.topicArn } : { kind: 'queue', queueUrl: e.s3.queueUrl },
    dynamodbStreamArn: e.dynamodbStreamArn ?? null,
    reconcileMinutes: e.reconcileMinutes,
    retrySeconds: e.retrySeconds,
    longPollSeconds: e.longPollSeconds,
  }),
);

/** `{replica}` in a queue URL becomes this replica's id (null stays null: the backend is polled). */
export function withReplica(events: BackendEventsConfig | null | undefined, replicaId: string): BackendEventsConfig | null {
  if (!events) return null;
  return events.s3?.kind === 'queue' ? { ...events, s3: { kind: 'queue', queueUrl: events.s3.queueUrl.replaceAll('{replica}', replicaId) } } : events;
}

/** Problems no single field shows: a stream on a backend without a table. */
export function backendEventsProblems(backends: ReadonlyArray<{ id: string; dynamodbTable: string | null; events: BackendEventsConfig | null }>): string[] {
  return backends.flatMap((b, i) =>
    b.events?.dynamodbStreamArn && !b.dynamodbTable ? [`LOCKBOARD_CONFIG backends[${i}].events.dynamodbStreamArn: backend "${b.id}" has no dynamodbTable`] : [],
  );
}

/**
 * This replica's name: LOCKBOARD_REPLICA_ID (a pod name, say), else host and process id. It names the
 * replica's own queue, so a stable id (a StatefulSet's pod name) reuses the queue after a restart.
 */
export function replicaIdOf(env: Record<string, string | undefined>): string {
  const raw = env.LOCKBOARD_REPLICA_ID || `${os.hostname()}-${process.pid}`;
  return raw.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'replica';
}
