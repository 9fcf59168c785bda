/**
 * Planted alert claims (issue 21 item 7): anyone who can write the state bucket could pre-write
 * `lockboard-events/<backend>/<event id>.json` as `done` (event ids are derived from public facts),
 * and the stale-lock alert was silenced for good. Claims are now signed: a claim Lockboard did not
 * write is not trusted (not its `done`, not its deliveries), it is taken over and the event is sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LockboardEvent } from '../../api/alerts';
import { claimKey } from '../../aws/event-claims';
import { getBackend } from '../../server/backends';
import { awsCallCountsOf, resetAwsCallCounts } from '../../server/metrics';
import { useBackends } from '../../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../../scripts/lib/terraform-writer';
import { listLocks } from '../../services/list-locks';
import { alertingIdle, alertsOverview, resetAlertingForTests, startAlerting } from './alerting';
import { lockIdentity } from './event-rules';

const w = new TerraformWriter();
const bucket = uniqueName('claims');
const table = uniqueName('claimstable');
const received: LockboardEvent[] = [];
let server: http.Server;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body) as LockboardEvent);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.env.H21_CLAIMS_SECRET = 'claims-test-secret';
  await w.createBucket(bucket);
  await w.createTable(table);
  useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: false }], {
    staleAfterMinutes: 1,
    remindAfterMinutes: 60,
    channels: [{ name: 'hook', type: 'webhook', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secretEnv: 'H21_CLAIMS_SECRET', events: ['lock.stale'], retries: 0, timeoutSeconds: 2 }],
  });
  startAlerting();
  resetAlertingForTests();
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  w.destroy();
});

/** A stale lock on `key` and the event id of its first stale notice (and later reminders). */
async function staleLock(key: string): Promise<(reminder: number) => string> {
  const info = TerraformWriter.lockInfo(bucket, key, { who: 'bob@ci' }, Date.now() - 90_000);
  await w.lockDynamo(table, bucket, key, info);
  return (n) => `lock.stale.${lockIdentity('main', { key, id: info.id, created: info.created, seen: {} })}.${n}`;
}

/** Writes a claim as anyone with s3:PutObject on the bucket could. */
async function plantClaim(eventId: string, body: string): Promise<void> {
  await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: claimKey('main', eventId), Body: body, ContentType: 'application/json' }));
}

async function view(): Promise<void> {
  await listLocks(getBackend('main'));
  await alertingIdle();
}

const doneClaim = (eventId: string, deliveries: Record<string, unknown> = {}) =>
  JSON.stringify({ eventId, type: 'lock.stale', summary: 'x', state: 'done', claimedBy: 'replica-1', claimedAt: new Date().toISOString(), retryAt: null, tries: 1, deliveries });

describe('a claim Lockboard did not write', () => {
  it('pre-written "done" claims do not silence a stale-lock alert: it is sent once', async () => {
    const key = 'prod/db/terraform.tfstate';
    const eventId = await staleLock(key);
    for (let n = 0; n < 4; n++) await plantClaim(eventId(n), doneClaim(eventId(n), { hook: { outcome: 'delivered', attempts: 1, at: new Date().toISOString(), detail: 'HTTP 204' } }));
    await view();
    await view();
    const got = received.filter((e) => e.key === key);
    expect(got.map((e) => e.id)).toEqual([eventId(0)]);
    expect(alertsOverview().attempts.find((a) => a.eventId === eventId(0))).toMatchObject({ outcome: 'delivered' });
  });

  it('a claim too large to be one is not downloaded, and the event is sent', async () => {
    const key = 'prod/big/terraform.tfstate';
    const eventId = await staleLock(key);
    await plantClaim(eventId(0), `{"state":"done","pad":"${'x'.repeat(5 * 1024 * 1024)}"}`);
    resetAwsCallCounts();
    const started = performance.now();
    await view();
    expect(received.filter((e) => e.key === key).map((e) => e.id)).toEqual([eventId(0)]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(awsCallCountsOf('alerting')).toMatchObject({ 's3:GetObject': 1, 's3:PutObject': 3 });
  });

  it('a claim Lockboard wrote (signed) is still respected: another replica finding it done sends nothing', async () => {
    const key = 'prod/ours/terraform.tfstate';
    await staleLock(key);
    await view();
    expect(received.filter((e) => e.key === key)).toHaveLength(1);
    resetAlertingForTests();
    await view();
    expect(received.filter((e) => e.key === key)).toHaveLength(1);
  });
});
