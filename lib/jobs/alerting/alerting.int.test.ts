/**
 * Alerting end to end in one process, on moto, with a real local HTTP receiver: a stale lock is told
 * once (signed), a Lockboard unlock of it is told as a release by that operator, every mutation
 * attempt is an event, another replica finding the claim done sends nothing, a dead replica's claim
 * is taken over after its lease, and a failing receiver is retried later, then delivered once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import type { LockboardEvent } from '../../api/alerts';
import { writeClaim } from '../../aws/event-claims';
import { getBackend } from '../../server/backends';
import { awsCallCountsOf, metricsText, resetAwsCallCounts } from '../../server/metrics';
import { useBackends } from '../../testing/integration-env';
import { callMutation } from '../../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../../scripts/lib/terraform-writer';
import { verifySignature } from '../../notify/format';
import { listLocks } from '../../services/list-locks';
import { alertingIdle, alertsOverview, resetAlertingForTests, setAlertTimingForTests, startAlerting } from './alerting';
import { lockIdentity } from './event-rules';

const SECRET = 'test-signing-secret';
const w = new TerraformWriter();
const bucket = uniqueName('alerts');
const table = uniqueName('alertstable');

interface Received {
  event: LockboardEvent;
  headers: http.IncomingHttpHeaders;
  signatureOk: boolean;
}
const received: Received[] = [];
let failNext = 0;
let server: http.Server;
let receiverUrl = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ofType = (type: string) => received.filter((r) => r.event.type === type);

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end('busy');
        return;
      }
      received.push({ event: JSON.parse(body) as LockboardEvent, headers: req.headers, signatureOk: verifySignature(SECRET, body, (req.headers['x-lockboard-signature-256'] as string) ?? null) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  process.env.H7_ALERT_SECRET = SECRET;
  await w.createBucket(bucket);
  await w.createTable(table);
  useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: false }], {
    staleAfterMinutes: 1,
    remindAfterMinutes: 1,
    publicUrl: 'https://lockboard.example.com',
    metricsMaxLocks: 1,
    channels: [{ name: 'hook', type: 'webhook', url: receiverUrl, secretEnv: 'H7_ALERT_SECRET', events: ['lock.stale', 'lock.released', 'mutation'], retries: 1, timeoutSeconds: 2 }],
  });
  setAlertTimingForTests({ retryBaseMs: 1500, extraLeaseMs: 0 });
  startAlerting();
  resetAlertingForTests();
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  w.destroy();
});

/** One read by a viewer, then wait for alerting to finish with it. */
async function view() {
  const result = await listLocks(getBackend('main'));
  await alertingIdle();
  return result;
}

describe('alerting', () => {
  it('tells a stale lock once, signed, with holder, link and command; another replica sends nothing', async () => {
    const key = 'app/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key, { who: 'bob@ci' }, Date.now() - 90_000);
    await w.lockDynamo(table, bucket, key, info);
    await view();
    await view();
    expect(ofType('lock.stale')).toHaveLength(1);
    const [got] = ofType('lock.stale');
    expect(got!.signatureOk).toBe(true);
    expect(got!.headers['x-lockboard-event']).toBe('lock.stale');
    expect(got!.headers['x-lockboard-delivery']).toBe(got!.event.id);
    expect(got!.event).toMatchObject({ key, workspace: 'default', reminder: 0, forceUnlock: `terraform force-unlock '${info.id}'`, lock: { id: info.id, who: 'bob@ci' }, link: `https://lockboard.example.com/state?backend=main&key=${encodeURIComponent(key)}` });

    // A second replica (same derivation, no memory of it): the claim says done, nothing is sent.
    resetAlertingForTests();
    await view();
    expect(ofType('lock.stale')).toHaveLength(1);
    expect(alertsOverview().attempts[0]).toMatchObject({ outcome: 'claimed_elsewhere', channel: 'hook' });

    // Released from the dashboard: one lock.released naming the operator, one mutation event.
    const lock = (await listLocks(getBackend('main'))).locks.find((l) => l.key === key)!;
    const res = await callMutation(unlockRoute, 'unlock', 'main', { key, id: lock.id, reason: 'runner gone', seen: lock.seen }, { headers: { 'x-forwarded-email': 'alice@example.com' } });
    expect(res.status).toBe(200);
    await alertingIdle();
    await view();
    await view();
    expect(ofType('lock.released')).toHaveLength(1);
    expect(ofType('lock.released')[0]!.event).toMatchObject({ key, released: { by: 'lockboard' } });
    expect(ofType('mutation')).toHaveLength(1);
    expect(ofType('mutation')[0]!.event.mutation).toMatchObject({ action: 'force-unlock', outcome: 'succeeded', reason: 'runner gone' });
    expect(received.every((r) => r.signatureOk)).toBe(true);
  });

  it('takes over a claim left by a dead replica after its lease, and delivers it once', async () => {
    const key = 'dead/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key, {}, Date.now() - 90_000);
    await w.lockDynamo(table, bucket, key, info);
    const id = `lock.stale.${lockIdentity('main', { key, id: info.id, created: info.created, seen: {} })}.0`;
    const orphan = { eventId: id, type: 'lock.stale', summary: 'x', state: 'claimed', claimedBy: 'dead-replica', claimedAt: new Date(Date.now() - 60_000).toISOString(), retryAt: null, tries: 1, deliveries: {} };
    expect((await writeClaim(getBackend('main'), id, JSON.stringify(orphan), { ifNoneMatch: true })).won).toBe(true);
    await view();
    const got = ofType('lock.stale').filter((r) => r.event.key === key);
    expect(got).toHaveLength(1);
    expect(got[0]!.event.id).toBe(id);
  });

  it('records a failing receiver, retries later from the claim, and delivers exactly once', async () => {
    const key = 'flaky/terraform.tfstate';
    await w.lockDynamo(table, bucket, key, TerraformWriter.lockInfo(bucket, key, {}, Date.now() - 90_000));
    failNext = 2; // both attempts of the first delivery fail
    await view();
    expect(ofType('lock.stale').filter((r) => r.event.key === key)).toHaveLength(0);
    const failed = alertsOverview().attempts.find((a) => a.outcome === 'failed');
    expect(failed).toMatchObject({ channel: 'hook', attempts: 2, detail: expect.stringMatching(/HTTP 503/) });
    const metrics = (await metricsText()).body;
    expect(metrics).toMatch(/lockboard_notification_deliveries_total\{channel="hook",outcome="failed"\} [1-9]/);
    // The retry is due after ~1.5 s; the sweep (every 2 s) takes it over and delivers.
    for (let i = 0; i < 40 && ofType('lock.stale').filter((r) => r.event.key === key).length === 0; i++) {
      await sleep(250);
      await alertingIdle();
    }
    await view();
    await sleep(500);
    await alertingIdle();
    expect(ofType('lock.stale').filter((r) => r.event.key === key)).toHaveLength(1);
  });

  it('exposes lock ages (bounded), lock and state counts and the last successful read in /api/metrics', async () => {
    await view();
    const body = (await metricsText()).body;
    const ages = body.split('\n').filter((l) => l.startsWith('lockboard_lock_age_seconds{'));
    expect(ages).toHaveLength(1);
    expect(ages[0]).toMatch(/backend="main",key="[^"]+",workspace="default",operation="OperationTypeApply",who="runner@ci-host"\} \d+/);
    expect(Number(ages[0]!.split(' ').at(-1))).toBeGreaterThanOrEqual(90);
    expect(body).toMatch(/lockboard_locks_unlisted\{backend="main"\} 1/);
    expect(body).toMatch(/lockboard_locks\{backend="main",problem="none",stale="true"\} 2/);
    expect(body).toMatch(/lockboard_backend_read_ok\{backend="main"\} 1/);
    const age = /lockboard_backend_last_successful_read_age_seconds\{backend="main"\} ([\d.e-]+)/.exec(body);
    expect(Number(age?.[1])).toBeLessThan(5);
  });

  it("reads nothing of its own: a stale lock costs alerting one claim and one outcome write, the read is the watcher's", async () => {
    const key = 'counted/terraform.tfstate';
    await w.lockDynamo(table, bucket, key, TerraformWriter.lockInfo(bucket, key, {}, Date.now() - 90_000));
    resetAwsCallCounts();
    await view();
    expect(ofType('lock.stale').filter((r) => r.event.key === key)).toHaveLength(1);
    // The other stale locks of this table were told before: settled in memory, no call at all.
    expect(awsCallCountsOf('alerting')).toEqual({ 's3:PutObject': 2 });
    // The view's read (a Scan in segments and a listing) is the watcher's, even though a request started it.
    expect(Object.keys(awsCallCountsOf('watcher')).sort()).toEqual(['dynamodb:Scan', 's3:ListObjectsV2']);
    expect(awsCallCountsOf('request')).toEqual({});
  });
});
