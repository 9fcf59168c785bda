import 'server-only';
/**
 * One backend's lock table stream (issue 24), read directly by every replica: each open shard from
 * its newest record (shards born later from their oldest), one GetRecords per shard per second, the
 * item of each record re-read (GetItem). New shards are looked for every minute and when one closes.
 * A lost position (iterator expired, data trimmed), a denied or missing stream makes the backend fall
 * back to polling; it is tried again every retrySeconds from the newest records, and event mode
 * resumes after a full read.
 */
import { describeShards, readRecords, shardIterator } from '../../aws/table-stream';
import { withCallOrigin } from '../../server/call-origin';
import type { BackendConfig } from '../../server/config';
import { recordEvents } from '../../server/event-metrics';
import { itemEvent, markSourceAnswered, markSourceFailed } from '../../services/backend-events';
import { reasonOf, type Loop } from './loop';

/** Pause between two rounds of GetRecords (DynamoDB Streams does not long-poll). */
export const STREAM_POLL_MS = 1_000;
const DESCRIBE_EVERY_MS = 60_000;

export async function consumeStream(backend: BackendConfig, loop: Loop): Promise<void> {
  const arn = backend.events?.dynamodbStreamArn;
  if (!arn || !backend.dynamodbTable) return;
  const retryMs = (backend.events?.retrySeconds ?? 30) * 1000;
  const events = <T>(fn: () => Promise<T>) => withCallOrigin('events', fn);
  while (!loop.stopped) {
    const iterators = new Map<string, string>();
    const known = new Set<string>();
    let describedAt = 0;
    let first = true;
    try {
      while (!loop.stopped) {
        if (first || Date.now() - describedAt > DESCRIBE_EVERY_MS) {
          for (const shard of await events(() => describeShards(backend, arn))) {
            if (known.has(shard.shardId)) continue;
            known.add(shard.shardId);
            if (!shard.open && first) continue;
            // At start: from now (the full read covers before). Later: a new shard from its start.
            const it = await events(() => shardIterator(backend, arn, shard.shardId, first ? 'LATEST' : 'TRIM_HORIZON'));
            if (it) iterators.set(shard.shardId, it);
          }
          describedAt = Date.now();
          first = false;
        }
        for (const [shardId, it] of [...iterators]) {
          const page = await events(() => readRecords(backend, arn, it));
          recordEvents(backend.id, 'stream', 'ignored_malformed', page.unusable);
          await Promise.all(page.changes.map(async (c) => recordEvents(backend.id, 'stream', await itemEvent(backend, c.lockId, c.sequenceNumber))));
          if (page.nextIterator) iterators.set(shardId, page.nextIterator);
          else {
            iterators.delete(shardId);
            describedAt = 0; // closed: its children are new shards
          }
        }
        markSourceAnswered(backend, 'stream');
        await loop.sleep(STREAM_POLL_MS);
      }
    } catch (e) {
      if (loop.stopped) break;
      markSourceFailed(backend, 'stream', reasonOf(e));
      await loop.sleep(retryMs);
    }
  }
}
