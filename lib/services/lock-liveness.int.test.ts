/**
 * Liveness from heartbeat objects in S3 (moto, the real SDK), through GET /locks: a valid beat makes a
 * lock alive, its bodies are read once per ETag, and bad heartbeat objects — malformed, forged for
 * another lock, huge, written by a clock far in the future — are reported as suspicious and change
 * nothing: they keep no dead lock alive and make no live lock dead. A huge one is never downloaded.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as locksGet } from '@/app/api/backends/[id]/locks/route';
import { heartbeatKey } from '../api/heartbeat';
import type { Lock } from '../api/locks';
import { clearCache } from '../server/cache';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { formatRfc3339Nano, type LockInfo } from '../terraform/lock-info';
import { useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('liveness from heartbeat objects', () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('beats');
  const info = (key: string): LockInfo => ({ id: `id-${key.replace(/\W/g, '')}`, operation: 'OperationTypeApply', info: '', who: 'ci@runner-1', version: '1.11.4', created: formatRfc3339Nano(Date.now() - 60_000), path: `${bucket}/${key}` });
  const body = (lock: LockInfo, over: Record<string, unknown> = {}) => JSON.stringify({ v: 1, lockId: lock.id, who: lock.who, created: lock.created, key: 'k', host: 'runner-1', pid: 4242, command: 'terraform apply', state: 'running', intervalSeconds: 1, startedAt: new Date().toISOString(), ...over });
  const put = (key: string, text: string) => w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }));
  const locks = async (): Promise<Lock[]> => {
    const res = await locksGet(new Request('http://localhost/api/backends/b/locks'), { params: Promise.resolve({ id: 'b' }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { locks: Lock[] }).locks;
  };
  const byKey = async (key: string) => (await locks()).find((l) => l.key === key)!;

  beforeAll(async () => {
    await w.createBucket(bucket);
    useBackends([{ id: 'b', bucket, useLockfile: true }], { watchIntervalSeconds: 0, liveness: { aliveWithinSeconds: 3, deadAfterSeconds: 5 } });
  });
  afterAll(() => {
    clearCache();
    w.destroy();
  });

  it('a valid beat makes its lock alive, names the process, and is read once per ETag; a lock without beat is unknown', async () => {
    const live = info('live.tfstate');
    const plain = info('plain.tfstate');
    await w.lockFile(bucket, 'live.tfstate', live);
    await w.lockFile(bucket, 'plain.tfstate', plain);
    await put(heartbeatKey('lockboard-heartbeats/', live.id, 'runner-1.4242.1'), body(live));
    expect((await byKey('live.tfstate')).liveness).toMatchObject({ state: 'alive', holder: { host: 'runner-1', pid: 4242 }, suspicious: [] });
    expect((await byKey('plain.tfstate')).liveness).toMatchObject({ state: 'unknown', reason: 'no_heartbeat' });
    resetAwsCallCounts();
    await locks();
    // The listing and the .tflock bodies are cached per ETag too: a second read downloads nothing.
    expect(awsCallCounts()['s3:GetObject'] ?? 0).toBe(0);
  });

  it('malformed, forged, huge and future-clock beats are suspicious and keep no dead lock alive', async () => {
    const lock = info('dead.tfstate');
    await w.lockFile(bucket, 'dead.tfstate', lock);
    const prefix = `lockboard-heartbeats/${lock.id}/`;
    await put(`${prefix}real.json`, body(lock));
    // The real writer stops; wait past the dead window (S3 times are whole seconds).
    await sleep(6500);
    expect((await byKey('dead.tfstate')).liveness?.state).toBe('dead');
    await put(`${prefix}malformed.json`, '{"v":1,"lockId":');
    await put(`${prefix}forged.json`, body({ ...lock, id: 'another-lock' }));
    await put(`${prefix}wrong-created.json`, body({ ...lock, created: formatRfc3339Nano(Date.now()) }));
    await put(`${prefix}future.json`, body(lock, { startedAt: '2099-01-01T00:00:00Z' }));
    await put(`${prefix}huge.json`, body(lock, { command: 'x'.repeat(64 * 1024) }));
    resetAwsCallCounts();
    const l = (await byKey('dead.tfstate')).liveness!;
    expect(l.state).toBe('dead');
    expect(Object.fromEntries(l.suspicious.map((s) => [s.objectKey.slice(prefix.length), s.problem]))).toEqual({ 'malformed.json': 'malformed', 'forged.json': 'other_lock', 'wrong-created.json': 'other_lock', 'future.json': 'future_clock', 'huge.json': 'oversized' });
    // Four small bodies read; the huge one not (its size is in the listing).
    expect(awsCallCounts()['s3:GetObject']).toBe(4);
  });

  it('suspicious beats do not make a live lock dead either', async () => {
    const lock = info('alive2.tfstate');
    await w.lockFile(bucket, 'alive2.tfstate', lock);
    await put(`lockboard-heartbeats/${lock.id}/old-forged.json`, body(lock, { state: 'exited', created: 'x' }));
    await put(`lockboard-heartbeats/${lock.id}/real.json`, body(lock));
    const l = (await byKey('alive2.tfstate')).liveness!;
    expect(l.state).toBe('alive');
    expect(l.suspicious.map((s) => s.problem)).toEqual(['other_lock']);
  });
});
