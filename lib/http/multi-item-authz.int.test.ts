/**
 * Issue 21, item 1: every item of every multi-item mutation is authorised on its own key. Proxy mode
 * with scoped access rules, the real routes, moto. Each reproduction below passed a request on the
 * old code that touched a state outside the caller's keys (or released a live lock through the
 * clean-up); now the whole request is refused with 403, nothing is touched, and each refused item is
 * recorded under its own key. Releases go through the force-unlock and are found by
 * `action=force-unlock` + `key=…`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as auditRoute } from '@/app/api/audit/route';
import { POST as freezeRoute } from '@/app/api/backends/[id]/freeze/route';
import { POST as cleanupRoute } from '@/app/api/backends/[id]/migration/cleanup/route';
import { POST as unfreezeRoute } from '@/app/api/backends/[id]/unfreeze/route';
import { POST as unlockManyRoute } from '@/app/api/backends/[id]/unlock-many/route';
import type { AuditRecord } from '../api/audit';
import { getBackend } from '../server/backends';
import { listLocks } from '../services/list-locks';
import { marshalLockInfo } from '../terraform/lock-info';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN, callMutation, readAuditObjects, readDigestItem, readLockfile, readLockItem } from '../testing/mutation-requests';
import { TerraformWriter, stateDocument, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const bucket = uniqueName('authz');
const filesBucket = uniqueName('authzfiles');
const table = uniqueName('authztable');
const backends = [
  { id: 'dual', bucket, dynamodbTable: table, useLockfile: true },
  { id: 'files', bucket: filesBucket, useLockfile: true },
];
const RULES = {
  authMode: 'proxy',
  operators: ['alice@example.com'],
  accessRules: [
    { backends: ['*'], keys: ['team-a/**'], groups: ['team-a-oncall'], role: 'operator' },
    { backends: ['dual'], keys: ['app/*'], users: ['carol@example.com'], role: 'operator' },
  ],
};
const bob = { 'x-forwarded-email': 'bob@example.com', 'x-forwarded-groups': 'team-a-oncall' };
const carol = { 'x-forwarded-email': 'carol@example.com' };
const alice = { 'x-forwarded-email': 'alice@example.com' };
const doc = stateDocument({ serial: 1, lineage: 'authz' });
const HOURS = 3600_000;

async function lockOf(backendId: string, key: string) {
  const lock = (await listLocks(getBackend(backendId))).locks.find((l) => l.key === key);
  if (!lock) throw new Error(`no lock listed on ${key}`);
  return lock;
}

/** `GET /api/audit?backend=…&action=…&key=…`, as the audit page asks it (read as an operator). */
async function audit(filter: { backend: string; action: string; key: string }): Promise<{ records: AuditRecord[] }> {
  const res = await auditRoute(new Request(`${APP_ORIGIN}/api/audit?${new URLSearchParams({ ...filter, limit: '10' })}`, { headers: alice }));
  expect(res.status).toBe(200);
  return (await res.json()) as { records: AuditRecord[] };
}

async function refusals(where: string, key: string) {
  return (await readAuditObjects(w, where, 'lockboard-audit/')).filter((r) => r.key === key && r.outcome === 'refused');
}

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createBucket(filesBucket);
  await w.createTable(table);
  useBackends(backends, RULES);
});

describe('migration clean-up', () => {
  it('a second item on a key outside the caller\u2019s rules refuses the request: a live .tflock of another team is not released', async () => {
    // A .tflock-only backend: the live apply's .tflock IS its lock, so releasing it is a full force-unlock.
    const live = 'prod/db/terraform.tfstate';
    await w.putState(filesBucket, live, doc, null);
    const liveInfo = TerraformWriter.lockInfo(filesBucket, live, { who: 'deploy@ci' });
    await w.lockFile(filesBucket, live, liveInfo);
    const orphan = 'team-a/crashed/terraform.tfstate';
    await w.lockFile(filesBucket, orphan, TerraformWriter.lockInfo(filesBucket, orphan, {}, Date.now() - 3 * HOURS));
    const liveLock = await lockOf('files', live);
    const orphanLock = await lockOf('files', orphan);

    const res = await callMutation(
      cleanupRoute,
      'migration/cleanup',
      'files',
      {
        reason: 'migration step 3',
        items: [
          { kind: 'lockfile', key: orphan, id: orphanLock.id, etag: orphanLock.seen.lockfileEtag },
          { kind: 'lockfile', key: live, id: liveLock.id, etag: liveLock.seen.lockfileEtag },
        ],
      },
      { headers: bob },
    );
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden', reason: 'not_allowed' });
    expect(res.body.error?.message).toContain(live);
    // Nothing touched: not the other team's live lock, and not the caller's own orphan either.
    expect(await readLockfile(w, filesBucket, live)).toBe(marshalLockInfo(liveInfo));
    expect(await readLockfile(w, filesBucket, orphan)).not.toBeNull();
    // The refusal is recorded under the key it was about, as the release it would have been.
    const refused = await refusals(filesBucket, live);
    expect(refused.map((r) => [r.user, r.action, r.errorCode])).toEqual([['bob@example.com', 'force-unlock', 'forbidden']]);
  });

  it('another state\u2019s digest item in a second item is not deleted', async () => {
    const mine = 'team-a/moved/terraform.tfstate';
    const theirs = 'team-b/moved/terraform.tfstate';
    await w.putDigest(table, bucket, mine, '1'.repeat(32));
    await w.putDigest(table, bucket, theirs, '2'.repeat(32));
    const res = await callMutation(
      cleanupRoute,
      'migration/cleanup',
      'dual',
      {
        reason: 'left behind',
        items: [
          { kind: 'digest', key: mine, digest: '1'.repeat(32) },
          { kind: 'digest', key: theirs, digest: '2'.repeat(32) },
        ],
      },
      { headers: bob },
    );
    expect(res.status).toBe(403);
    expect(await readDigestItem(w, table, bucket, theirs)).toBe('2'.repeat(32));
    expect(await readDigestItem(w, table, bucket, mine)).toBe('1'.repeat(32));
    expect((await refusals(bucket, theirs)).map((r) => [r.action, r.errorCode])).toEqual([['migration-cleanup', 'forbidden']]);
  });

  it('releases a .tflock only while it is a stale orphan, through the force-unlock, under its own record and key', async () => {
    const live = 'prod/api/terraform.tfstate';
    await w.putState(filesBucket, live, doc, null);
    const liveInfo = TerraformWriter.lockInfo(filesBucket, live, { who: 'deploy@ci' });
    await w.lockFile(filesBucket, live, liveInfo);
    const liveLock = await lockOf('files', live);
    // Alice may change every key: still, a live (not stale) lock is not the clean-up's to release.
    const notOrphan = await callMutation(cleanupRoute, 'migration/cleanup', 'files', { reason: 'r', items: [{ kind: 'lockfile', key: live, id: liveLock.id, etag: liveLock.seen.lockfileEtag }] }, { headers: alice });
    expect(notOrphan.status).toBe(200);
    expect(notOrphan.body).toMatchObject({ partial: true, results: [{ key: live, outcome: 'changed' }] });
    expect(await readLockfile(w, filesBucket, live)).toBe(marshalLockInfo(liveInfo));

    const orphan = 'team-a/gone/terraform.tfstate';
    await w.lockFile(filesBucket, orphan, TerraformWriter.lockInfo(filesBucket, orphan, {}, Date.now() - 3 * HOURS));
    const orphanLock = await lockOf('files', orphan);
    const ok = await callMutation(cleanupRoute, 'migration/cleanup', 'files', { reason: 'crashed client', items: [{ kind: 'lockfile', key: orphan, id: orphanLock.id, etag: orphanLock.seen.lockfileEtag }] }, { headers: bob });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ partial: false, results: [{ key: orphan, outcome: 'removed' }] });
    expect(await readLockfile(w, filesBucket, orphan)).toBeNull();

    // The audit filters action=force-unlock and key=<key> find the release.
    const found = await audit({ backend: 'files', action: 'force-unlock', key: orphan });
    expect(found.records.map((r) => [r.user, r.outcome, r.reason])).toEqual([['bob@example.com', 'succeeded', 'crashed client']]);
    expect(found.records[0]!.seen).toMatchObject({ bulkId: ok.body.auditId });
    const kept = await audit({ backend: 'files', action: 'force-unlock', key: live });
    expect(kept.records.map((r) => [r.user, r.outcome, r.errorCode])).toEqual([['alice@example.com', 'failed', 'locked']]);
  });

  it('a digest deletion has its own record with its key', async () => {
    const key = 'team-a/left/terraform.tfstate';
    await w.putDigest(table, bucket, key, '3'.repeat(32));
    const res = await callMutation(cleanupRoute, 'migration/cleanup', 'dual', { reason: 'digest left behind', items: [{ kind: 'digest', key, digest: '3'.repeat(32) }] }, { headers: bob });
    expect(res.status).toBe(200);
    expect(await readDigestItem(w, table, bucket, key)).toBeUndefined();
    const found = await audit({ backend: 'dual', action: 'migration-cleanup', key });
    expect(found.records.map((r) => [r.user, r.outcome])).toEqual([['bob@example.com', 'succeeded']]);
    expect(found.records[0]!.seen).toMatchObject({ kind: 'digest', digest: '3'.repeat(32), bulkId: res.body.auditId });
  });
});

describe('unfreeze', () => {
  it('a second freeze on a key outside the caller\u2019s rules refuses the request; both freezes stay', async () => {
    const mine = 'team-a/app/terraform.tfstate';
    const theirs = 'team-b/app/terraform.tfstate';
    for (const key of [mine, theirs]) await w.putState(bucket, key, doc, table);
    const ids: string[] = [];
    for (const key of [mine, theirs]) {
      const res = await callMutation(freezeRoute, 'freeze', 'dual', { key, reason: 'change freeze' }, { headers: alice });
      expect(res.status).toBe(200);
      ids.push((res.body.results as Array<{ lockId: string }>)[0]!.lockId);
    }
    const res = await callMutation(
      unfreezeRoute,
      'unfreeze',
      'dual',
      {
        reason: 'done',
        locks: [
          { key: mine, id: ids[0] },
          { key: theirs, id: ids[1] },
        ],
      },
      { headers: bob },
    );
    expect(res.status).toBe(403);
    expect(await readLockItem(w, table, bucket, theirs)).toContain(ids[1]);
    expect(await readLockItem(w, table, bucket, mine)).toContain(ids[0]);
    expect((await refusals(bucket, theirs)).map((r) => [r.user, r.action])).toEqual([['bob@example.com', 'unfreeze']]);

    const own = await callMutation(unfreezeRoute, 'unfreeze', 'dual', { reason: 'done', locks: [{ key: mine, id: ids[0] }] }, { headers: bob });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ counts: { released: 1 } });
    expect(await readLockItem(w, table, bucket, mine)).toBeUndefined();
    const found = await audit({ backend: 'dual', action: 'unfreeze', key: mine });
    expect(found.records.map((r) => [r.user, r.outcome])).toEqual([['bob@example.com', 'succeeded']]);
  });
});

describe('freeze by prefix', () => {
  it('lists its targets first and needs operator on each: `app/*` may not freeze `app/deep/x` through `prefix: "app/"`', async () => {
    const shallow = 'app/one.tfstate';
    const deep = 'app/deep/x.tfstate';
    for (const key of [shallow, deep]) await w.putState(bucket, key, doc, table);
    const res = await callMutation(freezeRoute, 'freeze', 'dual', { prefix: 'app/', reason: 'release train' }, { headers: carol });
    expect(res.status).toBe(403);
    expect(res.body.error?.message).toContain(deep);
    expect(await readLockItem(w, table, bucket, deep)).toBeUndefined();
    expect(await readLockfile(w, bucket, deep)).toBeNull();
    expect(await readLockItem(w, table, bucket, shallow)).toBeUndefined();
    expect((await refusals(bucket, deep)).map((r) => [r.user, r.action])).toEqual([['carol@example.com', 'freeze']]);

    const one = await callMutation(freezeRoute, 'freeze', 'dual', { key: shallow, reason: 'release train' }, { headers: carol });
    expect(one.status).toBe(200);
    expect(await readLockItem(w, table, bucket, shallow)).toContain('lockboard-freeze');
    const found = await audit({ backend: 'dual', action: 'freeze', key: shallow });
    expect(found.records.map((r) => [r.user, r.outcome])).toEqual([['carol@example.com', 'succeeded']]);
  });
});

describe('bulk unlock', () => {
  it('a lock on a key outside the caller\u2019s rules refuses the request; no lock is released', async () => {
    const mine = 'team-a/bulk/terraform.tfstate';
    const theirs = 'prod/bulk/terraform.tfstate';
    const infos = [TerraformWriter.lockInfo(bucket, mine), TerraformWriter.lockInfo(bucket, theirs)];
    await w.lockBoth(table, bucket, mine, infos[0]!);
    await w.lockBoth(table, bucket, theirs, infos[1]!);
    const locks = await Promise.all([lockOf('dual', mine), lockOf('dual', theirs)]);
    const body = { reason: 'pipeline killed', confirmation: 'UNLOCK 2', locks: locks.map((l) => ({ key: l.key, id: l.id, seen: { dynamodbInfo: l.seen.dynamodbInfo, lockfileEtag: l.seen.lockfileEtag } })) };
    const res = await callMutation(unlockManyRoute, 'unlock-many', 'dual', body, { headers: bob });
    expect(res.status).toBe(403);
    expect(await readLockItem(w, table, bucket, theirs)).toBe(marshalLockInfo(infos[1]!));
    expect(await readLockItem(w, table, bucket, mine)).toBe(marshalLockInfo(infos[0]!));
    expect((await refusals(bucket, theirs)).map((r) => [r.user, r.action])).toEqual([['bob@example.com', 'force-unlock']]);
  });
});

describe('the audit trail', () => {
  it('has no record with an empty key', async () => {
    const records = [...(await readAuditObjects(w, bucket, 'lockboard-audit/')), ...(await readAuditObjects(w, filesBucket, 'lockboard-audit/'))];
    expect(records.length).toBeGreaterThan(10);
    expect(records.filter((r) => r.key === '')).toEqual([]);
  });
});
