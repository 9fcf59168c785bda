/**
 * Delivery faults, for real: an unreachable receiver, a slow one, a 4xx, a 5xx that recovers, an SNS
 * topic on moto (delivered, with a MessageId), a missing topic, and — through a proxy in front of
 * moto answering as AWS does — SNS AccessDenied (`AuthorizationError`) and a 500. Each is a clear
 * outcome, never a throw; a refusal is not retried, a server error is.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockboardEvent } from '../api/alerts';
import type { ChannelConfig } from '../server/config';
import { startAwsFaultProxy } from '../../scripts/lib/aws-fault-proxy';
import { freePort } from '../../scripts/lib/moto';
import { motoEndpoint } from '../testing/integration-env';
import { sendToChannel } from './deliver';

const event: LockboardEvent = { id: 'test.1', type: 'test', at: new Date().toISOString(), backend: { id: 'b', name: 'b' }, key: null, workspace: null, summary: 'hello', link: null };
const common = { events: ['lock.stale'], backends: null, keys: null, timeoutMs: 500, retries: 2 };
const noSleep = async () => undefined;

let server: http.Server;
let base = '';
const answers: number[] = [];
let hits = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    req.resume().on('end', () => {
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end(), 2_000);
      res.writeHead(answers.shift() ?? 200).end('nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const hook = (path: string): Extract<ChannelConfig, { type: 'webhook' }> => ({ ...common, name: 'h', type: 'webhook', url: `${base}${path}`, secret: 's' });

describe('sendToChannel', () => {
  it('retries a 5xx with back-off and succeeds', async () => {
    answers.push(503, 500);
    hits = 0;
    const r = await sendToChannel(hook('/ok'), event, noSleep);
    expect(r).toMatchObject({ ok: true, attempts: 3, detail: 'HTTP 200' });
    expect(hits).toBe(3);
  });

  it('does not retry a 4xx (the receiver said no)', async () => {
    answers.push(401);
    hits = 0;
    const r = await sendToChannel(hook('/ok'), event, noSleep);
    expect(r).toMatchObject({ ok: false, attempts: 1, detail: 'HTTP 401: nope' });
  });

  it('gives up on a slow receiver after the timeout of each attempt', async () => {
    const started = Date.now();
    const r = await sendToChannel({ ...hook('/slow'), retries: 1 }, event, noSleep);
    expect(r).toMatchObject({ ok: false, attempts: 2, detail: 'no answer within 500 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports an unreachable receiver', async () => {
    const port = await freePort();
    const r = await sendToChannel({ ...hook('/'), url: `http://127.0.0.1:${port}/`, retries: 0 }, event, noSleep);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/ECONNREFUSED/);
  });

  it('publishes to an SNS topic, and reports a missing topic', async () => {
    const sns = new SNSClient({ region: 'us-east-1', endpoint: motoEndpoint() });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'lockboard-alerts' }));
    const ok = await sendToChannel({ ...common, name: 'sns', type: 'sns', topicArn: TopicArn!, region: 'us-east-1', endpoint: motoEndpoint() }, event, noSleep);
    expect(ok.ok).toBe(true);
    expect(ok.detail).toMatch(/^MessageId \S+/);
    const missing = await sendToChannel({ ...common, name: 'sns', type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:nope', region: 'us-east-1', endpoint: motoEndpoint(), retries: 0 }, event, noSleep);
    expect(missing.ok).toBe(false);
    expect(missing.detail).toMatch(/SNS .*nope/);
  });

  it('reports SNS AccessDenied without retrying it, retries a 500, and a missing topic is not retried either', async () => {
    const sns = new SNSClient({ region: 'us-east-1', endpoint: motoEndpoint() });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'lockboard-denied' }));
    const proxy = await startAwsFaultProxy(motoEndpoint());
    try {
      const channel = { ...common, name: 'sns', type: 'sns' as const, topicArn: TopicArn!, region: 'us-east-1', endpoint: proxy.endpoint };
      proxy.refuseNext('sns:Publish', 1, 'AccessDenied');
      const denied = await sendToChannel(channel, event, noSleep);
      expect(denied).toMatchObject({ ok: false, attempts: 1 });
      expect(denied.detail).toMatch(/^SNS arn:aws:sns:us-east-1:\d+:lockboard-denied: access denied \(AuthorizationErrorException\)/);
      expect(proxy.seen('sns:Publish')).toBe(1);

      proxy.refuseNext('sns:Publish', 1, 'InternalError');
      const recovered = await sendToChannel(channel, event, noSleep);
      expect(recovered).toMatchObject({ ok: true, attempts: 2, detail: expect.stringMatching(/^MessageId \S+/) });
      expect(proxy.seen('sns:Publish')).toBe(3);

      const missing = await sendToChannel({ ...channel, topicArn: TopicArn!.replace(/lockboard-denied$/, 'no-such-topic') }, event, noSleep);
      expect(missing).toMatchObject({ ok: false, attempts: 1, detail: expect.stringMatching(/no-such-topic: NotFound/) });
    } finally {
      await proxy.close();
    }
  });
});
