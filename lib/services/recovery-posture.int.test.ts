import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { getRecoveryPosture } from './recovery-posture';

const w = new TerraformWriter();
const KEY = 'app/terraform.tfstate';
const doc = (serial: number) => stateDocument({ serial, lineage: 'l' });

/** A proxy in front of moto answering AccessDenied to the bucket-configuration reads named. */
async function denyingProxy(target: string, denied: RegExp): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    if (denied.test(req.url ?? '')) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      return;
    }
    const fwd = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('recovery posture (moto)', () => {
  const versioned = uniqueName('post-v');
  const unversioned = uniqueName('post-u');
  const suspended = uniqueName('post-s');
  const locked = uniqueName('post-l');
  let proxy: Awaited<ReturnType<typeof denyingProxy>>;

  beforeAll(async () => {
    await w.createBucket(versioned);
    for (const s of [1, 2, 3]) await w.putState(versioned, KEY, doc(s));
    await w.s3.send(new PutObjectCommand({ Bucket: versioned, Key: `${KEY}.tflock`, Body: '{}' }));
    await w.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: versioned,
        LifecycleConfiguration: {
          Rules: [
            { ID: 'short-history', Status: 'Enabled', Filter: { Prefix: 'app/' }, NoncurrentVersionExpiration: { NoncurrentDays: 3 } },
            { ID: 'tflock-tags', Status: 'Enabled', Filter: { Tag: { Key: 'lock', Value: 'yes' } }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
          ],
        },
      }),
    );
    await w.s3.send(new PutBucketEncryptionCommand({ Bucket: versioned, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/tf' } }] } }));

    await w.createBucket(unversioned, false);
    await w.putState(unversioned, KEY, doc(1));

    await w.createBucket(suspended);
    await w.putState(suspended, KEY, doc(1));
    await w.s3.send(new PutBucketVersioningCommand({ Bucket: suspended, VersioningConfiguration: { Status: 'Suspended' } }));

    await w.s3.send(new CreateBucketCommand({ Bucket: locked, ObjectLockEnabledForBucket: true }));
    await w.s3.send(new PutObjectLockConfigurationCommand({ Bucket: locked, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } } }));
    await w.putState(locked, KEY, doc(1));

    proxy = await denyingProxy(motoEndpoint(), /[?&](lifecycle|object-lock|encryption|replication)(=|&|$)/);
    useBackends([
      { id: 'v', bucket: versioned },
      { id: 'u', bucket: unversioned },
      { id: 's', bucket: suspended },
      { id: 'l', bucket: locked },
      { id: 'denied', bucket: versioned, endpoint: proxy.endpoint },
    ]);
  });
  afterAll(async () => {
    await proxy?.close();
    w.destroy();
  });

  it('reads lifecycle rules per state and .tflock key, encryption, and each state’s restore window', async () => {
    const p = await getRecoveryPosture('v');
    expect(p.versioning).toEqual({ status: 'ok', value: { status: 'Enabled', mfaDelete: 'Disabled' } });
    expect(p.lifecycle.status).toBe('ok');
    expect(p.encryption).toMatchObject({ status: 'ok', value: { algorithm: 'aws:kms' } });
    expect(p.restore).toBe('at_risk');
    const codes = p.findings.map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['noncurrent_expiration', 'lockfile_expiration', 'sse_kms', 'no_replication']));
    expect(p.findings.find((f) => f.code === 'noncurrent_expiration')!.fix).toMatch(/NoncurrentDays/);
    expect(p.states).toHaveLength(1);
    const s = p.states![0]!;
    expect(s).toMatchObject({ key: KEY, versionCount: 3, restorableCount: 2, tagDependent: true });
    expect(s.oldest).not.toBeNull();
    // Replaced just now, kept 3 days (to the next midnight UTC).
    const until = Date.parse(s.oldestKeptUntil!);
    expect(until - Date.now()).toBeGreaterThan(2.9 * 86_400_000);
    expect(until - Date.now()).toBeLessThan(4.1 * 86_400_000);
    expect(p.lockfileVersions).toBe(1);
    expect(p.historyComplete).toBe(true);
  });

  it('says a restore is impossible without versioning, or suspended, with the fix', async () => {
    const u = await getRecoveryPosture('u');
    expect(u.restore).toBe('impossible');
    expect(u.findings[0]).toMatchObject({ severity: 'critical', code: 'versioning_disabled' });
    expect(u.findings[0]!.fix).toContain(`--bucket ${unversioned}`);
    expect(u.states![0]).toMatchObject({ restorableCount: 0 });
    const s = await getRecoveryPosture('s', { history: false });
    expect(s.restore).toBe('impossible');
    expect(s.findings[0]!.code).toBe('versioning_suspended');
    expect(s.states).toBeNull();
  });

  it('reads Object Lock', async () => {
    const p = await getRecoveryPosture('l');
    expect(p.objectLock).toEqual({ status: 'ok', value: { enabled: true, mode: 'GOVERNANCE', days: 30, years: null } });
    expect(p.findings.map((f) => f.code)).toContain('object_lock');
  });

  it('shows a denied read as "not checked: AccessDenied", never a failure', async () => {
    const p = await getRecoveryPosture('denied');
    expect(p.versioning.status).toBe('ok');
    for (const part of [p.lifecycle, p.objectLock, p.encryption, p.replication]) expect(part).toEqual({ status: 'not_checked', reason: 'AccessDenied' });
    expect(p.restore).toBe('unknown');
    expect(p.findings.find((f) => f.code === 'lifecycle_not_checked')!.message).toMatch(/not checked: AccessDenied/);
  });
});
