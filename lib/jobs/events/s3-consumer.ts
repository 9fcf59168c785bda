import 'server-only';
/**
 * One backend's S3 object events (issue 24): long-poll its queue (this replica's own, created and
 * subscribed to the topic at start when the config names a topic), re-read each watched key an event
 * names, delete every message once handled — bad ones too, counted, so nothing loops. A queue that
 * is missing or denied makes the backend fall back to polling; it is tried again every retrySeconds
 * (a topic's queue is created again) and event mode resumes after a full read.
 */
import { createHash } from 'node:crypto';
import { createReplicaQueue, deleteMessages, deleteReplicaQueue, receiveMessages, type QueueMessage, type ReplicaQueue } from '../../aws/sqs';
import { withCallOrigin } from '../../server/call-origin';
import { getConfig, type BackendConfig } from '../../server/config';
import { recordEvents } from '../../server/event-metrics';
import { logger } from '../../server/logger';
import { isWatchedKey, markSourceAnswered, markSourceFailed, objectEvent } from '../../services/backend-events';
import { parseS3Message } from './s3-messages';
import { reasonOf, type Loop } from './loop';


/** This replica's queue name for a backend: stable for a stable replica id, at most 80 characters. */
export function replicaQueueName(backendId: string, replicaId: string): string {
  const hash = createHash('sha256').update(`${backendId}\u0000${replicaId}`).digest('hex').slice(0, 8);
  return `lockboard-${backendId.slice(0, 30)}-${replicaId.slice(0, 28)}-${hash}`;
}

async function handle(backend: BackendConfig, message: QueueMessage): Promise<void> {
  const parsed = parseS3Message(message.body, message.size);
  if (parsed.kind === 'test') return recordEvents(backend.id, 's3', 'ignored_test_event');
  if (parsed.kind === 'ignored') {
    logger.warn('event message ignored', { backend: backend.id, reason: parsed.reason, bytes: message.size });
    return recordEvents(backend.id, 's3', `ignored_${parsed.reason}`);
  }
  recordEvents(backend.id, 's3', 'ignored_malformed', parsed.unusable);
  await Promise.all(
    parsed.events.map(async (event) => {
      if (event.bucket !== backend.bucket) return recordEvents(backend.id, 's3', 'ignored_other_bucket');
      if (!isWatchedKey(event.key, backend.stateSuffixes)) return recordEvents(backend.id, 's3', 'ignored_unwatched_key');
      if (event.kind !== 'change') return recordEvents(backend.id, 's3', 'ignored_other_event');
      recordEvents(backend.id, 's3', await objectEvent(backend, event.key, event.sequencer));
    }),
  );
}

/** Runs until `loop.stopped`. */
export async function consumeS3Events(backend: BackendConfig, loop: Loop): Promise<void> {
  const source = backend.events?.s3;
  if (!source) return;
  const retryMs = (backend.events?.retrySeconds ?? 30) * 1000;
  let own: ReplicaQueue | null = null;
  let queueUrl: string | null = source.kind === 'queue' ? source.queueUrl : null;
  // The first poll (and the first after a failure) answers at once: the queue is known to work sooner.
  let waitSeconds = 0;
  while (!loop.stopped) {
    try {
      if (queueUrl === null && source.kind === 'topic') {
        own = await withCallOrigin('events', () => createReplicaQueue(backend, source.topicArn, replicaQueueName(backend.id, getConfig().replicaId)));
        queueUrl = own.queueUrl;
        logger.info('event queue ready', { backend: backend.id, queue: queueUrl, topic: source.topicArn });
      }
      const url: string = queueUrl!;
      const messages = await withCallOrigin('events', () => receiveMessages(backend, url, waitSeconds, loop.signal));
      markSourceAnswered(backend, 's3');
      waitSeconds = backend.events?.longPollSeconds ?? 20;
      if (messages.length === 0) continue;
      // One message's failure (a re-read) is the store's business (it falls back); the message is handled.
      await Promise.all(messages.map((m) => handle(backend, m).catch((e: unknown) => logger.error('event message failed', { backend: backend.id, error: e }))));
      await withCallOrigin('events', () => deleteMessages(backend, url, messages.map((m) => m.receiptHandle)));
    } catch (e) {
      if (loop.stopped) break;
      markSourceFailed(backend, 's3', reasonOf(e));
      waitSeconds = 0;
      // A topic's queue is created (again) on the next try: deleted queues come back by themselves.
      if (source.kind === 'topic') queueUrl = null;
      await loop.sleep(retryMs);
    }
  }
  if (own) {
    const queue = own;
    await withCallOrigin('events', () => deleteReplicaQueue(backend, queue)).then(
      () => logger.info('event queue deleted', { backend: backend.id, queue: queue.queueUrl }),
      (e: unknown) => logger.warn('event queue not deleted', { backend: backend.id, queue: queue.queueUrl, error: e }),
    );
  }
}
