/**
 * Liveness of a backend in event mode (moto: S3 notifications through SNS to SQS, the real SDK). Its
 * views read the event-maintained store, which follows states and `.tflock` files only, so heartbeat
 * objects are listed under their prefix: a beating lock is `alive` (not `unknown`, "no heartbeat"),
 * and `dead` once its beats stop, between reconciles.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { wireEvents } from '../../scripts/lib/event-stack';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { startEvents, stopEvents } from '../jobs/events/events';
import { heartbeatKey } from '../api/heartbeat';
import { getConfig } from '../server/config';
import { formatRfc3339Nano, type LockInfo } from '../terraform/lock-info';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { backendMode } from './backend-events';
import { listLocks } from './list-locks';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('liveness in event mode', () => {
  const w = new TerraformWriter({ endpoint: motoEndpoint() });
  afterAll(async () => {
    await stopEvents();
    w.destroy();
  });

  it('heartbeats are read although events do not follow them: alive while beating, dead after', { timeout: 60_000 }, async () => {
    const bucket = uniqueName('beats-ev');
    await w.createBucket(bucket);
    const events = await wireEvents(w, { endpoint: motoEndpoint(), bucket, via: 'topic' });
    useBackends([{ id: 'ev', bucket, useLockfile: true, events: { ...events, reconcileMinutes: 10, retrySeconds: 1, longPollSeconds: 2 } } as Parameters<typeof useBackends>[0][number]], { watchIntervalSeconds: 10, liveness: { aliveWithinSeconds: 3, deadAfterSeconds: 5 } });
    startEvents();
    const backend = getConfig().backends[0]!;
    for (let i = 0; i < 300 && backendMode(backend).mode !== 'events'; i++) await sleep(50);
    expect(backendMode(backend).mode).toBe('events');

    const lock: LockInfo = { id: 'ev-lock-1', operation: 'OperationTypeApply', info: '', who: 'ci@runner-1', version: '1.11.4', created: formatRfc3339Nano(Date.now() - 30_000), path: `${bucket}/app.tfstate` };
    await w.lockFile(bucket, 'app.tfstate', lock);
    const beat = JSON.stringify({ v: 1, lockId: lock.id, who: lock.who, created: lock.created, key: 'app.tfstate', host: 'runner-1', pid: 4242, command: 'terraform apply', state: 'running', intervalSeconds: 1, startedAt: new Date().toISOString() });
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: heartbeatKey('lockboard-heartbeats/', lock.id, 'runner-1.4242.1'), Body: beat }));
    const held = async () => (await listLocks(backend)).locks.find((l) => l.key === 'app.tfstate');
    for (let i = 0; i < 100 && !(await held()); i++) await sleep(50);
    expect((await held())?.liveness).toMatchObject({ state: 'alive', holder: { host: 'runner-1', pid: 4242 }, writers: 1 });
    expect(backendMode(backend).mode).toBe('events');

    // The writer stops: dead after the window (S3 times are whole seconds), with no reconcile meanwhile.
    await sleep(6500);
    expect((await held())?.liveness?.state).toBe('dead');
    expect(backendMode(backend).mode).toBe('events');
  });
});
