/**
 * Event mode against the real moto server through the real SDK (issue 24): S3 notifications to SQS
 * (directly, through an SNS topic with a queue per replica, or relayed in a chosen order), the lock
 * table's stream, bad messages, lost events, and fallback to polling and back.
 */
import { DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, CreateQueueCommand, DeleteMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventClients, wireEvents, type EventsBlock } from '../../../scripts/lib/event-stack';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../../scripts/lib/aws-fault-proxy';
import { TerraformWriter } from '../../../scripts/lib/terraform-writer';
import { motoEndpoint, useBackends as configureBackends } from '../../testing/integration-env';
import { getConfig, type BackendConfig } from '../../server/config';
import { awsCallCountsOf, metricsText, resetAwsCallCounts } from '../../server/metrics';
import { getSnapshot, invalidateSnapshot, onSnapshotRead } from '../../services/backend-snapshot';
import { backendMode, eventsSettled } from '../../services/backend-events';
import { listLocks } from '../../services/list-locks';
import { startEvents, stopEvents } from './events';

let w: TerraformWriter;
let sqs: SQSClient;
let n = 0;

beforeAll(() => {
  w = new TerraformWriter({ endpoint: motoEndpoint() });
  sqs = eventClients(motoEndpoint()).sqs;
});
afterEach(async () => {
  await stopEvents();
});
afterAll(() => {
  w.destroy();
  sqs.destroy();
});

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | null | false | undefined> | T | null | false | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Setup {
  backend: BackendConfig;
  bucket: string;
  table: string;
}

async function setUp(events: (bucket: string, table: string) => Promise<EventsBlock>, opts: { endpoint?: string; versioned?: boolean; reconcileMinutes?: number } = {}): Promise<Setup> {
  const id = `ev${++n}-${Date.now().toString(36)}`;
  const bucket = `${id}-states`;
  const table = `${id}-locks`;
  await w.createBucket(bucket, opts.versioned ?? true);
  await w.createTable(table);
  const block = await events(bucket, table);
  configureBackends([{ id, bucket, dynamodbTable: table, useLockfile: true, scanSegments: 1, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), events: { reconcileMinutes: opts.reconcileMinutes ?? 10, retrySeconds: 1, longPollSeconds: 2, ...block } } as Parameters<typeof configureBackends>[0][number]], { watchIntervalSeconds: 10 });
  startEvents();
  const backend = getConfig().backends[0]!;
  await waitFor('event mode', 15_000, () => backendMode(backend).mode === 'events').catch((e: Error) => {
    throw new Error(`${e.message} (${JSON.stringify(backendMode(backend))})`);
  });
  return { backend, bucket, table };
}

const lockKeys = async (backend: BackendConfig) => (await listLocks(backend)).locks.map((l) => `${l.key}`).sort();
const objectKeys = async (backend: BackendConfig) => ((await getSnapshot(backend)).objects ?? []).map((o) => `${o.key}=${o.etag}`).sort();
const counter = async (backend: string, outcome: string) => Number(new RegExp(`lockboard_events_total\\{backend="${backend}",source="s3",outcome="${outcome}"\\} (\\d+)`).exec((await metricsText()).body)?.[1] ?? 0);

async function queueEmpty(url: string): Promise<boolean> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible) === 0;
}

describe('event mode', () => {
  it('a lock taken on both sides appears within 3 s and is gone within 3 s of its release, with no Scan and no listing between reconciles', async () => {
    const { backend, bucket, table } = await setUp((bucket, table) => wireEvents(w, { endpoint: motoEndpoint(), bucket, table, via: 'topic' }));
    const pushed: string[] = [];
    const off = onSnapshotRead((b, read) => b.id === backend.id && pushed.push(read.value.fetchedAt));
    resetAwsCallCounts();
    const key = 'env/prod/terraform.tfstate';
    const t0 = Date.now();
    await w.lockBoth(table, bucket, key, TerraformWriter.lockInfo(bucket, key));
    await waitFor('the lock listed', 3_000, async () => (await lockKeys(backend)).includes(key));
    const appeared = Date.now() - t0;
    await w.putState(bucket, key, '{"version":4,"serial":1}', table);
    await w.unlockDynamo(table, bucket, key);
    await w.unlockFile(bucket, key);
    const t1 = Date.now();
    await waitFor('the lock gone', 3_000, async () => !(await lockKeys(backend)).includes(key));
    const gone = Date.now() - t1;
    await waitFor('the state listed', 3_000, async () => (await objectKeys(backend)).some((k) => k.startsWith(`${key}=`)));
    off();
    const watcherCalls = awsCallCountsOf('watcher');
    expect({ scan: watcherCalls['dynamodb:Scan'] ?? 0, list: watcherCalls['s3:ListObjectsV2'] ?? 0 }).toEqual({ scan: 0, list: 0 });
    // Only single-key re-reads: HeadObject and GetItem.
    expect(Object.keys(watcherCalls).every((k) => k === 's3:HeadObject' || k === 'dynamodb:GetItem' || k === 's3:GetObject')).toBe(true);
    // Listeners (alerting, metrics) were told of the event-made snapshots.
    expect(pushed.length).toBeGreaterThan(0);
    expect(appeared).toBeLessThan(3_000);
    expect(gone).toBeLessThan(3_000);
  });

  it('duplicated, reordered and delayed events leave the listing right', async () => {
    let source = '';
    const { backend, bucket } = await setUp(async (bucket, table) => {
      // The bucket notifies a source queue; the backend reads a relay queue we fill in our own order.
      const wired = await wireEvents(w, { endpoint: motoEndpoint(), bucket, table, via: 'queue' });
      source = (wired.s3 as { queueUrl: string }).queueUrl;
      const relay = (await sqs.send(new CreateQueueCommand({ QueueName: `${bucket}-relay` }))).QueueUrl!;
      return { ...wired, s3: { queueUrl: relay } };
      // Unversioned: moto announces no delete marker (real S3 does: ObjectRemoved:DeleteMarkerCreated).
    }, { versioned: false });
    const relay = (backend.events!.s3 as { queueUrl: string }).queueUrl;
    const take = async (count: number) => {
      const got: string[] = [];
      await waitFor(`${count} S3 events`, 10_000, async () => {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of out.Messages ?? []) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: source, ReceiptHandle: m.ReceiptHandle! }));
          if (!m.Body!.includes('s3:TestEvent')) got.push(m.Body!);
        }
        return got.length >= count;
      });
      return got;
    };
    // S3 gives each event a per-key sequencer; moto does not, so the relay adds them in event order.
    let seq = 0x10;
    const sequenced = (body: string) => {
      const m = JSON.parse(body) as { Records: Array<{ s3: { object: Record<string, unknown> } }> };
      m.Records[0]!.s3.object.sequencer = `0055AED6DCD902${(seq++).toString(16).toUpperCase()}`;
      return JSON.stringify(m);
    };
    const send = (body: string) => sqs.send(new SendMessageCommand({ QueueUrl: relay, MessageBody: body }));
    const key = 'app/terraform.tfstate';
    // A lock file created then deleted: its delete is delivered first, then its create three times.
    await w.lockFile(bucket, key, TerraformWriter.lockInfo(bucket, key));
    await w.unlockFile(bucket, key);
    const [created, deleted] = (await take(2)).map(sequenced);
    expect(created).toContain('ObjectCreated');
    expect(deleted).toContain('ObjectRemoved');
    await send(deleted!);
    for (let i = 0; i < 3; i++) await send(created!);
    // A state written twice: the second write's event first, the first one's late.
    const v1 = await w.putState(bucket, key, '{"version":4,"serial":1}');
    const v2 = await w.putState(bucket, key, '{"version":4,"serial":2}');
    const [put1, put2] = (await take(2)).map(sequenced);
    await send(put2!);
    await waitFor('the relay drained', 10_000, () => queueEmpty(relay));
    await send(put1!);
    await waitFor('the relay drained', 10_000, () => queueEmpty(relay));
    await eventsSettled(backend);
    expect(await lockKeys(backend)).toEqual([]);
    expect(await objectKeys(backend)).toEqual([`${key}=${v2.md5}`]);
    expect(v1.md5).not.toBe(v2.md5);
    // The three copies of the create and the late first write were recognised as older than what was handled.
    expect(await counter(backend.id, 'duplicate')).toBe(4);
    expect(backendMode(backend).mode).toBe('events');
  });

  it('bad messages are ignored, counted and deleted from the queue; the listing stays right', async () => {
    const { backend, bucket } = await setUp((bucket, table) => wireEvents(w, { endpoint: motoEndpoint(), bucket, table, via: 'queue' }));
    const queue = (backend.events!.s3 as { queueUrl: string }).queueUrl;
    const before = await objectKeys(backend);
    const record = (b: string, key: string) => JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: b }, object: { key, sequencer: '0A' } } }] });
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'elsewhere/terraform.tfstate', Body: '{}' })).catch(() => undefined);
    const bodies = [
      record('some-other-bucket', 'x/terraform.tfstate'),
      'this is not JSON {',
      JSON.stringify({ Records: [{ eventSource: 'aws:s3' }], pad: 'x'.repeat(200 * 1024) }),
      record(bucket, 'notes/readme.txt'),
      JSON.stringify({ hello: 'world' }),
    ];
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: body }));
    await waitFor('the queue drained', 15_000, () => queueEmpty(queue));
    await eventsSettled(backend);
    expect({
      other: await counter(backend.id, 'ignored_other_bucket'),
      malformed: await counter(backend.id, 'ignored_malformed'),
      large: await counter(backend.id, 'ignored_too_large'),
      unwatched: await counter(backend.id, 'ignored_unwatched_key'),
      notS3: await counter(backend.id, 'ignored_not_s3'),
    }).toEqual({ other: 1, malformed: 1, large: 1, unwatched: 1, notS3: 1 });
    // The real write of elsewhere/terraform.tfstate is listed; nothing from the bad messages is.
    expect(await objectKeys(backend)).toEqual([...before, expect.stringMatching(/^elsewhere\/terraform\.tfstate=/)]);
    expect(backendMode(backend).mode).toBe('events');
  });

  /** A backend whose queue nothing is sent to: every change is an event lost. */
  const deaf = async (bucket: string, table?: string) => {
    const wired = await wireEvents(w, { endpoint: motoEndpoint(), bucket, table, via: 'queue', name: `${bucket}-deaf` });
    const silent = (await sqs.send(new CreateQueueCommand({ QueueName: `${bucket}-silent` }))).QueueUrl!;
    return { ...wired, s3: { queueUrl: silent } };
  };
  const lostCount = async (backend: string) => Number(new RegExp(`lockboard_events_lost_total\\{backend="${backend}"\\} (\\d+)`).exec((await metricsText()).body)?.[1] ?? 0);

  it('the full read after a mutation is not counted as events lost', async () => {
    // No stream either: nothing but the full read can tell the lock.
    const { backend, bucket, table } = await setUp((b) => deaf(b));
    const key = 'mutated/terraform.tfstate';
    await w.lockDynamo(table, bucket, key, TerraformWriter.lockInfo(bucket, key));
    invalidateSnapshot(backend.id);
    expect(await lockKeys(backend)).toEqual([key]);
    expect(await lostCount(backend.id)).toBe(0);
    expect(backendMode(backend).mode).toBe('events');
  });

  it('a reconcile counts what no event announced, and with no event for a whole interval the backend falls back until one arrives', async () => {
    // Reconcile every 3 s: "a whole interval" passes within the test.
    const { backend, bucket } = await setUp(deaf, { reconcileMinutes: 0.05 });
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'lost/terraform.tfstate', Body: '{}' }));
    const mode = await waitFor('the fallback', 30_000, () => {
      const m = backendMode(backend);
      return m.mode === 'fallback' ? m : null;
    });
    expect(mode.reason).toMatch(/no event for over 3 s while the listing changed \(1 key\)/);
    expect(await lostCount(backend.id)).toBe(1);
    expect(await objectKeys(backend)).toEqual([expect.stringMatching(/^lost\/terraform\.tfstate=/)]);
    // An event arrives: trusted again.
    const queue = (backend.events!.s3 as { queueUrl: string }).queueUrl;
    await w.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'lost/terraform.tfstate' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: bucket }, object: { key: 'lost/terraform.tfstate', sequencer: '0B' } } }] }) }));
    await waitFor('event mode again', 10_000, () => backendMode(backend).mode === 'events');
    await waitFor('the state gone', 5_000, async () => (await objectKeys(backend)).length === 0);
  });

  it('a deleted queue falls back to polling visibly (locks still listed) and event mode resumes when the queue is back', async () => {
    const { backend, bucket, table } = await setUp((bucket, table) => wireEvents(w, { endpoint: motoEndpoint(), bucket, table, via: 'queue' }));
    const queue = (backend.events!.s3 as { queueUrl: string }).queueUrl;
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue }));
    const mode = await waitFor('the fallback', 30_000, () => {
      const m = backendMode(backend);
      return m.mode === 'fallback' && m.reason.startsWith('S3 event queue') ? m : null;
    });
    expect(mode.reason).toMatch(/NonExistentQueue|QueueDoesNotExist|does not exist/i);
    // Polled meanwhile: a lock taken now is listed (by a full read).
    const key = 'during/terraform.tfstate';
    resetAwsCallCounts();
    await w.lockDynamo(table, bucket, key, TerraformWriter.lockInfo(bucket, key));
    await waitFor('the lock listed by polling', 15_000, async () => (await lockKeys(backend)).includes(key));
    expect(awsCallCountsOf('watcher')['dynamodb:Scan'] ?? 0).toBeGreaterThan(0);
    // The queue comes back (same name, same notification): event mode resumes by itself.
    await wireEvents(w, { endpoint: motoEndpoint(), bucket, via: 'queue' });
    await waitFor('event mode again', 30_000, () => backendMode(backend).mode === 'events');
  });

  it("a topic's replica queue deleted under it is created again and subscribed: event mode resumes", async () => {
    const { backend, bucket, table } = await setUp((bucket, table) => wireEvents(w, { endpoint: motoEndpoint(), bucket, table, via: 'topic' }));
    const { QueueUrls } = await sqs.send(new (await import('@aws-sdk/client-sqs')).ListQueuesCommand({ QueueNamePrefix: `lockboard-${backend.id}` }));
    expect(QueueUrls).toHaveLength(1);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: QueueUrls![0]! }));
    await waitFor('the fallback', 30_000, () => backendMode(backend).mode === 'fallback');
    await waitFor('event mode again', 30_000, () => backendMode(backend).mode === 'events');
    const key = 'after/terraform.tfstate';
    await w.lockBoth(table, bucket, key, TerraformWriter.lockInfo(bucket, key));
    await waitFor('the lock listed from events', 3_000, async () => (await lockKeys(backend)).includes(key));
    // A clean stop deletes the replica's queue.
    await stopEvents();
    const after = await sqs.send(new (await import('@aws-sdk/client-sqs')).ListQueuesCommand({ QueueNamePrefix: `lockboard-${backend.id}` }));
    expect(after.QueueUrls ?? []).toHaveLength(0);
  });

  describe('the lock table stream through the fault proxy', () => {
    let proxy: AwsFaultProxy;
    beforeAll(async () => {
      proxy = await startAwsFaultProxy(motoEndpoint());
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('access denied, then an expired iterator: each falls back visibly and recovers', async () => {
      const { backend, bucket, table } = await setUp((bucket, table) => wireEvents(w, { endpoint: motoEndpoint(), bucket, table, via: 'topic' }), { endpoint: proxy.endpoint });
      proxy.refuseNext('streams:GetRecords', Infinity, 'AccessDenied');
      const denied = await waitFor('the fallback (denied)', 10_000, () => {
        const m = backendMode(backend);
        return m.mode === 'fallback' && m.reason.startsWith('lock table stream') ? m : null;
      });
      expect(denied.reason).toMatch(/access denied/i);
      proxy.refuseNext('streams:GetRecords', 0, 'AccessDenied');
      await waitFor('event mode again', 15_000, () => backendMode(backend).mode === 'events');

      proxy.refuseNext('streams:GetRecords', 1, 'ExpiredIterator');
      const expired = await waitFor('the fallback (expired)', 10_000, () => {
        const m = backendMode(backend);
        return m.mode === 'fallback' && /ExpiredIterator/.test(m.reason) ? m : null;
      });
      expect(expired.reason).toMatch(/position was lost/);
      await waitFor('event mode again', 15_000, () => backendMode(backend).mode === 'events');
      // And the stream is followed again: a DynamoDB-only lock appears from it.
      const key = 'stream/terraform.tfstate';
      await w.lockDynamo(table, bucket, key, TerraformWriter.lockInfo(bucket, key));
      await waitFor('the lock listed from the stream', 3_000, async () => (await lockKeys(backend)).includes(key));
    });
  });
});
