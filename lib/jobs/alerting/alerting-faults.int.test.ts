/**
 * Alerting when AWS refuses: the backend and the SNS channel are reached through a proxy in front of
 * moto that answers chosen requests as AWS does (scripts/lib/aws-fault-proxy.ts). A refused claim
 * write (403 AccessDenied, or a 500 the SDK retries) is a recorded `claim_failed` and no send; a
 * refused outcome write is written again, so no other replica sends the event a second time; SNS
 * AccessDenied is a recorded failure. The views keep working, and a later retry delivers exactly once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LockboardEvent } from '../../api/alerts';
import { readClaim } from '../../aws/event-claims';
import { getBackend } from '../../server/backends';
import { metricsText } from '../../server/metrics';
import { motoEndpoint, useBackends } from '../../testing/integration-env';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../../scripts/lib/aws-fault-proxy';
import { TerraformWriter, uniqueName } from '../../../scripts/lib/terraform-writer';
import { listLocks } from '../../services/list-locks';
import { alertingIdle, alertsOverview, resetAlertingForTests, setAlertTimingForTests, startAlerting } from './alerting';

/** The body of a claim Lockboard wrote (signed); fails the test for a foreign one. */
async function ourClaim(eventId: string): Promise<string> {
  const claim = await readClaim(getBackend('main'), eventId);
  if (claim?.status !== 'ours') throw new Error(`claim ${eventId} is ${claim ? `foreign: ${claim.reason}` : 'missing'}`);
  return claim.body;
}

const w = new TerraformWriter();
const bucket = uniqueName('alertfaults');
const table = uniqueName('alertfaultstable');
const CLAIMS = 'lockboard-events/';
let proxy: AwsFaultProxy;
let server: http.Server;
const received: LockboardEvent[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hooked = (key: string) => received.filter((e) => e.type === 'lock.stale' && e.key === key);
const attemptsFor = (key: string) => alertsOverview().attempts.filter((a) => alertsOverview().events.find((e) => e.id === a.eventId)?.key === key);

/** One read by a viewer (it must succeed whatever alerting meets), then wait for alerting to finish with it. */
async function view(): Promise<void> {
  const result = await listLocks(getBackend('main'));
  expect(result.errors).toEqual([]);
  await alertingIdle();
}

/** Views every 250 ms (the sweep runs every 2 s) until `done`, for at most `ms`. */
async function viewUntil(done: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) {
    await sleep(250);
    await view();
  }
}

async function staleLock(key: string): Promise<string> {
  const info = TerraformWriter.lockInfo(bucket, key, { who: 'ci@runner' }, Date.now() - 90_000);
  await w.lockDynamo(table, bucket, key, info);
  return info.id;
}

function sample(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

let topicArn = '';

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body) as LockboardEvent);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy = await startAwsFaultProxy(motoEndpoint());
  topicArn = (await new SNSClient({ region: 'us-east-1', endpoint: motoEndpoint() }).send(new CreateTopicCommand({ Name: uniqueName('alerts') }))).TopicArn!;
  process.env.H6_FAULTS_SECRET = 'faults-secret';
  await w.createBucket(bucket);
  await w.createTable(table);
  useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: false, endpoint: proxy.endpoint, scanSegments: 1 }], {
    staleAfterMinutes: 1,
    remindAfterMinutes: 60,
    channels: [
      { name: 'hook', type: 'webhook', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secretEnv: 'H6_FAULTS_SECRET', events: ['lock.stale'], keys: ['hook/**', 'both/**'], retries: 1, timeoutSeconds: 2 },
      { name: 'pager', type: 'sns', topicArn, region: 'us-east-1', endpoint: proxy.endpoint, events: ['lock.stale'], keys: ['sns/**', 'both/**'], retries: 2, timeoutSeconds: 2 },
    ],
  });
  // Retries due after 1 s (then 2 s, 4 s…); a dead replica's lease is the delivery time alone.
  setAlertTimingForTests({ retryBaseMs: 1_000, extraLeaseMs: 0 });
  startAlerting();
  resetAlertingForTests();
});

afterAll(async () => {
  proxy.refuseNext('s3:PutObject', 0, 'AccessDenied');
  proxy.refuseNext('sns:Publish', 0, 'AccessDenied');
  await alertingIdle();
  await proxy.close();
  await new Promise((r) => server.close(r));
  w.destroy();
});

describe('alerting when AWS refuses', () => {
  it('a claim write refused with AccessDenied is a recorded claim_failed, no send; retried later, delivered once', async () => {
    const key = 'hook/denied/terraform.tfstate';
    await staleLock(key);
    const before = sample((await metricsText()).body, 'lockboard_notification_deliveries_total{channel="hook",outcome="claim_failed"}');
    proxy.refuseNext('s3:PutObject', Infinity, 'AccessDenied', { keyPrefix: CLAIMS });
    await view();
    await view();
    expect(hooked(key)).toHaveLength(0);
    const failed = attemptsFor(key).filter((a) => a.outcome === 'claim_failed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]).toMatchObject({ channel: 'hook', attempts: 0, detail: expect.stringMatching(/^claim write failed: S3 s3:\/\/\S+\/lockboard-events\/main\/lock\.stale\.\w+\.0\.json \(backend "main"\): access denied \(AccessDenied\)/) });
    expect(alertsOverview().channels.find((c) => c.name === 'hook')).toMatchObject({ lastOutcome: 'claim_failed', delivered: 0 });
    expect(sample((await metricsText()).body, 'lockboard_notification_deliveries_total{channel="hook",outcome="claim_failed"}')).toBeGreaterThan(before);

    proxy.refuseNext('s3:PutObject', 0, 'AccessDenied');
    await viewUntil(() => hooked(key).length > 0);
    await sleep(2_500); // a sweep more, and more reads: nothing sent again
    await view();
    expect(hooked(key)).toHaveLength(1);
    expect(attemptsFor(key).filter((a) => a.outcome === 'delivered')).toHaveLength(1);
    expect(JSON.parse(await ourClaim(hooked(key)[0]!.id))).toMatchObject({ state: 'done' });
  });

  it('a claim write answered 500 (after the SDK retries) is claim_failed too, then delivered once', async () => {
    const key = 'hook/internal/terraform.tfstate';
    await staleLock(key);
    proxy.refuseNext('s3:PutObject', Infinity, 'InternalError', { keyPrefix: CLAIMS });
    await view();
    expect(hooked(key)).toHaveLength(0);
    expect(attemptsFor(key)[0]).toMatchObject({ channel: 'hook', outcome: 'claim_failed', detail: expect.stringMatching(/InternalError/) });
    proxy.refuseNext('s3:PutObject', 0, 'InternalError');
    await viewUntil(() => hooked(key).length > 0);
    await sleep(2_500);
    await view();
    expect(hooked(key)).toHaveLength(1);
  });

  it('an outcome write refused after the send is written again: another replica finds the claim done and sends nothing', async () => {
    const key = 'hook/outcome/terraform.tfstate';
    await staleLock(key);
    // The create (If-None-Match) passes; the outcome (If-Match) is refused once, then accepted at a sweep.
    proxy.refuseNext('s3:PutObject', 1, 'AccessDenied', { keyPrefix: CLAIMS, condition: 'if-match' });
    await view();
    expect(hooked(key)).toHaveLength(1);
    const id = hooked(key)[0]!.id;
    expect(JSON.parse(await ourClaim(id))).toMatchObject({ state: 'claimed' });
    let claim: { state?: string } = {};
    for (let i = 0; i < 40 && claim.state !== 'done'; i++) {
      await sleep(250);
      await view();
      claim = JSON.parse(await ourClaim(id)) as { state?: string };
    }
    expect(claim).toMatchObject({ state: 'done', deliveries: { hook: { outcome: 'delivered' } } });

    // A second replica (no memory of it), well after the lease: the claim is done, nothing is sent.
    resetAlertingForTests();
    await sleep(5_000);
    await view();
    await sleep(2_500);
    await view();
    expect(hooked(key)).toHaveLength(1);
    expect(attemptsFor(key)).toEqual([expect.objectContaining({ outcome: 'claimed_elsewhere' })]);
  });

  it('SNS AccessDenied is a recorded failure (not retried at once); the claim retries it later and each channel gets the event once', async () => {
    const key = 'both/sns-denied/terraform.tfstate';
    await staleLock(key);
    const publishes = proxy.seen('sns:Publish');
    proxy.refuseNext('sns:Publish', 1, 'AccessDenied');
    await view();
    expect(hooked(key)).toHaveLength(1);
    const pager = attemptsFor(key).find((a) => a.channel === 'pager');
    expect(pager).toMatchObject({ outcome: 'failed', attempts: 1, detail: expect.stringMatching(/^SNS arn:aws:sns:\S+: access denied \(AuthorizationErrorException\)/) });
    expect(alertsOverview().channels.find((c) => c.name === 'pager')).toMatchObject({ lastOutcome: 'failed' });
    expect(proxy.seen('sns:Publish') - publishes).toBe(1);
    const id = hooked(key)[0]!.id;
    expect(JSON.parse(await ourClaim(id))).toMatchObject({ state: 'retry', deliveries: { hook: { outcome: 'delivered' }, pager: { outcome: 'failed' } } });

    await viewUntil(() => attemptsFor(key).some((a) => a.channel === 'pager' && a.outcome === 'delivered'));
    await sleep(2_500);
    await view();
    expect(attemptsFor(key).filter((a) => a.channel === 'pager' && a.outcome === 'delivered')).toHaveLength(1);
    expect(proxy.seen('sns:Publish') - publishes).toBe(2);
    expect(hooked(key)).toHaveLength(1); // the webhook's earlier success is kept, not sent again
    expect(JSON.parse(await ourClaim(id))).toMatchObject({ state: 'done', deliveries: { pager: { outcome: 'delivered' } } });
  });
});
