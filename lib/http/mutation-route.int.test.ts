import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { GET as auditRoute } from '@/app/api/audit/route';
import { POST as digestRoute } from '@/app/api/backends/[id]/digest/route';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { GET as sessionRoute } from '@/app/api/session/route';
import { listAudit } from '../audit/audit-listing';
import { marshalLockInfo } from '../terraform/lock-info';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN, callMutation, readAuditObjects, readDigestItem, readLockfile, readLockItem } from '../testing/mutation-requests';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { z } from 'zod';
import { bulkMutationRoute, mutationRoute } from './mutation-route';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const bucket = uniqueName('guard');
const table = uniqueName('guardtable');
const auditBucket = uniqueName('auditbucket');
const backends = [{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }];
const PROXY = { authMode: 'proxy', operators: ['alice@example.com'] };
let logSpy: MockInstance<typeof console.log>;

const unlock = (body: unknown, headers: Record<string, string> = {}) => callMutation(unlockRoute, 'unlock', 'main', body, { headers });
const repair = (body: unknown, headers: Record<string, string> = {}) => callMutation(digestRoute, 'digest', 'main', body, { headers });

async function seedLock(key: string) {
  const info = TerraformWriter.lockInfo(bucket, key);
  await w.lockBoth(table, bucket, key, info);
  return { info, json: marshalLockInfo(info) };
}

async function expectLockIntact(key: string, json: string) {
  expect(await readLockItem(w, table, bucket, key)).toBe(json);
  expect(await readLockfile(w, bucket, key)).toBe(json);
}

async function recordsFor(key: string, where = bucket, prefix = 'lockboard-audit/') {
  return (await readAuditObjects(w, where, prefix)).filter((r) => r.key === key);
}

async function session(headers: Record<string, string> = {}) {
  const res = await sessionRoute(new Request(`${APP_ORIGIN}/api/session`, { headers }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  logSpy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createBucket(auditBucket, false);
  await w.createTable(table);
});

describe('who may mutate', () => {
  it('proxy mode: a request without the identity header gets 401, nothing changes, the refusal is recorded', async () => {
    useBackends(backends, PROXY);
    const key = 'noident/terraform.tfstate';
    const { info, json } = await seedLock(key);
    const res = await unlock({ key, id: info.id, reason: 'r' });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('unauthorized');
    await expectLockIntact(key, json);
    expect((await recordsFor(key)).map((r) => [r.outcome, r.errorCode, r.user])).toEqual([['refused', 'unauthorized', '(unidentified)']]);
    expect((await session()).body).toMatchObject({ user: null, authMode: 'proxy', canMutate: false });
  });

  it('proxy mode: a non-operator gets 403; an operator may unlock', async () => {
    useBackends(backends, PROXY);
    const key = 'operators/terraform.tfstate';
    const { info, json } = await seedLock(key);
    const bob = await unlock({ key, id: info.id, reason: 'r' }, { 'x-forwarded-email': 'bob@example.com' });
    expect(bob.status).toBe(403);
    expect(bob.body.error?.code).toBe('forbidden');
    await expectLockIntact(key, json);
    expect((await session({ 'x-forwarded-email': 'bob@example.com' })).body).toMatchObject({ user: 'bob@example.com', anonymous: false, canMutate: false });

    const alice = await unlock({ key, id: info.id, reason: 'stale' }, { 'x-forwarded-email': 'alice@example.com' });
    expect(alice.status).toBe(200);
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect((await session({ 'x-forwarded-email': 'alice@example.com' })).body).toMatchObject({ user: 'alice@example.com', canMutate: true, readOnly: false });

    const records = await recordsFor(key);
    expect(records.map((r) => [r.user, r.outcome]).sort()).toEqual([
      ['alice@example.com', 'succeeded'],
      ['bob@example.com', 'refused'],
    ]);
  });

  it('read-only mode refuses every mutation (even a malformed one) with 403 for everyone', async () => {
    useBackends(backends, { readOnly: true });
    const key = 'readonly/terraform.tfstate';
    const { info, json } = await seedLock(key);
    const state = await w.putState(bucket, key, stateDocument({ serial: 1, lineage: 'ro' }), table);
    await w.putDigest(table, bucket, key, 'ffffffffffffffffffffffffffffffff');
    expect((await unlock({ key, id: info.id, reason: 'r' })).status).toBe(403);
    expect((await unlock({ key, id: info.id })).status).toBe(403);
    const digest = await repair({ key, expected: 'ffffffffffffffffffffffffffffffff', reason: 'r' });
    expect(digest.status).toBe(403);
    expect(digest.body.error?.message).toMatch(/read-only/);
    await expectLockIntact(key, json);
    expect(await readDigestItem(w, table, bucket, key)).toBe('ffffffffffffffffffffffffffffffff');
    expect(state.md5).not.toBe('ffffffffffffffffffffffffffffffff');
    expect((await session()).body).toMatchObject({ canMutate: false, readOnly: true, authMode: 'none' });
    const records = await recordsFor(key);
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.outcome === 'refused' && r.errorCode === 'forbidden')).toBe(true);
  });

  it('refuses cross-site requests and non-JSON bodies, even from an operator', async () => {
    useBackends(backends, PROXY);
    const key = 'csrf/terraform.tfstate';
    const { info, json } = await seedLock(key);
    const alice = { 'x-forwarded-email': 'alice@example.com' };
    const body = { key, id: info.id, reason: 'r' };
    const crossOrigin = await unlock(body, { ...alice, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.body.error?.reason).toBe('cross_site');
    expect((await unlock(body, { ...alice, origin: 'https://evil.example', 'sec-fetch-site': '' })).status).toBe(403);
    const form = await unlock(body, { ...alice, 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    await expectLockIntact(key, json);
    const records = await recordsFor(key);
    expect(records.map((r) => r.errorCode).sort()).toEqual(['forbidden', 'forbidden', 'unsupported_media_type']);
    expect(records.every((r) => r.outcome === 'refused' && r.user === 'alice@example.com')).toBe(true);
  });
});

describe('the audit store', () => {
  it('writes the record before the change: with an audit bucket that does not exist, 503 and nothing changes', async () => {
    useBackends(backends, { auditBucket: uniqueName('no-such-bucket') });
    const key = 'noaudit/terraform.tfstate';
    const { info, json } = await seedLock(key);
    await w.putState(bucket, key, stateDocument({ serial: 1, lineage: 'na' }), table);
    await w.putDigest(table, bucket, key, '00000000000000000000000000000000');

    const res = await unlock({ key, id: info.id, reason: 'r' });
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('audit_unavailable');
    await expectLockIntact(key, json);
    const digest = await repair({ key, expected: '00000000000000000000000000000000', reason: 'r' });
    expect(digest.status).toBe(503);
    expect(await readDigestItem(w, table, bucket, key)).toBe('00000000000000000000000000000000');

    // The wrapper never ran the change.
    const run = vi.fn(async () => 'changed');
    const route = mutationRoute({ route: '/x', action: 'restore', schema: z.object({ key: z.string(), reason: z.string() }), audit: (b) => ({ key: b.key, reason: b.reason, seen: null }), run });
    const res2 = await callMutation(route, 'x', 'main', { key, reason: 'r' });
    expect(res2.status).toBe(503);
    expect(res2.body.error?.code).toBe('audit_unavailable');
    expect(run).not.toHaveBeenCalled();
    // The attempt still reached the server log.
    const lines = logSpy.mock.calls.map((c) => String(c[0])).filter((l) => l.includes(key));
    expect(lines.some((l) => JSON.parse(l).stored === false)).toBe(true);
  });

  it('stores records in a dedicated audit bucket when configured, under the prefix, newest first', async () => {
    useBackends(backends, { auditBucket, auditPrefix: 'trail' });
    const key = 'dedicated/terraform.tfstate';
    const { info } = await seedLock(key);
    expect((await unlock({ key, id: info.id, reason: 'one' })).status).toBe(200);
    expect((await unlock({ key, id: info.id, reason: 'two' })).status).toBe(404);
    const stored = await recordsFor(key, auditBucket, 'trail/main/');
    expect(stored).toHaveLength(2);
    expect(await recordsFor(key)).toHaveLength(0);
    const listed = await listAudit({ backend: 'main', key, limit: 10 });
    expect(listed.records.map((r) => [r.reason, r.outcome])).toEqual([
      ['two', 'failed'],
      ['one', 'succeeded'],
    ]);
  });

  it('GET /api/audit lists records newest first and filters by backend, action, outcome and user', async () => {
    useBackends(backends, PROXY);
    const key = 'listing/terraform.tfstate';
    const { info } = await seedLock(key);
    await unlock({ key, id: info.id, reason: 'bob tries' }, { 'x-forwarded-email': 'bob@example.com' });
    await unlock({ key, id: info.id, reason: 'alice does' }, { 'x-forwarded-email': 'alice@example.com' });
    await repair({ key, expected: null, reason: 'alice repairs' }, { 'x-forwarded-email': 'alice@example.com' });

    const get = async (qs: string) => {
      // As a viewer the proxy identified (the audit log shows the backends the caller may view).
      const res = await auditRoute(new Request(`${APP_ORIGIN}/api/audit?${qs}`, { headers: { 'x-forwarded-email': 'carol@example.com' } }));
      return { status: res.status, body: (await res.json()) as { records: Array<{ key: string; reason: string; user: string; outcome: string; action: string; time: string }>; errors: unknown[] } };
    };
    const all = await get('backend=main&limit=500');
    expect(all.status).toBe(200);
    const mine = all.body.records.filter((r) => r.key === key);
    expect(mine.map((r) => r.reason)).toEqual(['alice repairs', 'alice does', 'bob tries']);
    const times = all.body.records.map((r) => Date.parse(r.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const refused = await get('backend=main&outcome=refused&user=bob&limit=500');
    expect(refused.body.records.filter((r) => r.key === key).map((r) => r.reason)).toEqual(['bob tries']);
    expect(refused.body.records.every((r) => r.outcome === 'refused' && r.user.includes('bob'))).toBe(true);
    const repairs = await get('action=repair-digest&user=alice&limit=5');
    expect(repairs.body.records.length).toBeGreaterThan(0);
    expect(repairs.body.records.every((r) => r.action === 'repair-digest')).toBe(true);
    expect((await get('limit=2')).body.records).toHaveLength(2);
    expect((await get('limit=0')).status).toBe(400);
    expect((await get('outcome=maybe')).status).toBe(400);
    expect((await get('backend=nope')).status).toBe(404);
  });
});

describe('every change authorised on its own key (the wrappers themselves)', () => {
  const SCOPED = { authMode: 'proxy', accessRules: [{ backends: ['main'], keys: ['team-a/**'], groups: ['team-a-oncall'], role: 'operator' }] };
  const bob = { 'x-forwarded-email': 'bob@example.com', 'x-forwarded-groups': 'team-a-oncall' };
  const keysSchema = z.object({ keys: z.array(z.string()), reason: z.string() });

  it('a one-state route that names no key is refused, never authorised as "some key"', async () => {
    useBackends(backends, SCOPED);
    const run = vi.fn(async () => 'changed');
    const route = mutationRoute({ route: '/x', action: 'restore', schema: z.object({ reason: z.string() }), audit: (b) => ({ key: '', reason: b.reason, seen: null }), run });
    const res = await callMutation(route, 'x', 'main', { reason: 'no key' }, { headers: bob });
    expect(res.status).toBe(500);
    expect(run).not.toHaveBeenCalled();
  });

  it('a multi-item route: one key outside the rules refuses all (403, run never starts), each refused key recorded under itself', async () => {
    useBackends(backends, SCOPED);
    const run = vi.fn(async () => 'changed');
    const route = bulkMutationRoute({ route: '/x', action: 'unfreeze', schema: keysSchema, audit: (b) => ({ reason: b.reason, seen: {} }), items: (b) => b.keys, subject: (key) => ({ key, action: 'unfreeze', seen: { probe: 'wrapper' } }), run });
    const keys = ['team-a/one.tfstate', 'team-b/two.tfstate', 'team-c/three.tfstate'];
    const res = await callMutation(route, 'x', 'main', { keys, reason: 'probe' }, { headers: bob });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden', reason: 'not_allowed', keys: ['team-b/two.tfstate', 'team-c/three.tfstate'] });
    expect(res.body.error?.message).toMatch(/2 of the 3 states/);
    expect(run).not.toHaveBeenCalled();
    const probes = (await readAuditObjects(w, bucket, 'lockboard-audit/')).filter((r) => (r.seen as { probe?: string } | null)?.probe === 'wrapper');
    expect(probes.map((r) => [r.key, r.action, r.outcome, r.errorCode]).sort()).toEqual([
      ['team-b/two.tfstate', 'unfreeze', 'refused', 'forbidden'],
      ['team-c/three.tfstate', 'unfreeze', 'refused', 'forbidden'],
    ]);
  });

  it('a multi-item route listing no item, or an item without a key, is refused before anything runs', async () => {
    useBackends(backends, SCOPED);
    const run = vi.fn(async () => 'changed');
    const spec = { route: '/x', action: 'unfreeze' as const, schema: keysSchema, audit: (b: { reason: string }) => ({ reason: b.reason, seen: {} }), items: (b: { keys: string[] }) => b.keys, run };
    const none = await callMutation(bulkMutationRoute({ ...spec, subject: (key) => ({ key, action: 'unfreeze', seen: {} }) }), 'x', 'main', { keys: [], reason: 'r' }, { headers: bob });
    expect(none.status).toBe(400);
    const keyless = await callMutation(bulkMutationRoute({ ...spec, subject: () => ({ key: '', action: 'unfreeze', seen: {} }) }), 'x', 'main', { keys: ['team-a/one.tfstate'], reason: 'r' }, { headers: bob });
    expect(keyless.status).toBe(500);
    expect(run).not.toHaveBeenCalled();
  });

  it('each item runs under its own record with its key and the request’s id; an item the request did not list cannot run', async () => {
    useBackends(backends, SCOPED);
    const ran: string[] = [];
    const route = bulkMutationRoute({
      route: '/x',
      action: 'unfreeze',
      schema: keysSchema,
      audit: (b) => ({ reason: b.reason, seen: { probe: 'steps' } }),
      items: (b) => b.keys,
      subject: (key) => ({ key, action: 'unfreeze', seen: { probe: 'steps' } }),
      run: async (_b, keys, ctx) => {
        for (const key of keys) await ctx.step(key, async () => void ran.push(key));
        const stray = await ctx.step('team-a/not-listed.tfstate', async () => void ran.push('stray')).catch((e: Error) => e.message);
        return { auditId: ctx.auditId, stray };
      },
    });
    const keys = ['team-a/one.tfstate', 'team-a/two.tfstate'];
    const res = await callMutation(route, 'x', 'main', { keys, reason: 'steps' }, { headers: bob });
    expect(res.status).toBe(200);
    expect(ran).toEqual(keys);
    expect(res.body.stray).toMatch(/had not listed/);
    const records = (await readAuditObjects(w, bucket, 'lockboard-audit/')).filter((r) => (r.seen as { probe?: string } | null)?.probe === 'steps');
    const request = records.find((r) => r.id === res.body.auditId);
    expect(request).toMatchObject({ key: null, action: 'unfreeze', outcome: 'succeeded', seen: { keys } });
    expect(records.filter((r) => r.id !== res.body.auditId).map((r) => [r.key, r.outcome, (r.seen as { bulkId?: string }).bulkId]).sort()).toEqual(keys.map((k) => [k, 'succeeded', res.body.auditId]));
  });
});

describe('bounded bodies', () => {
  const recordSize = (r: unknown) => JSON.stringify(r).length;

  it('a 50 MB junk body sent cross-site as text/plain is refused without being read; the record stays small', async () => {
    useBackends(backends);
    const key = 'junk/terraform.tfstate';
    const { info, json } = await seedLock(key);
    const junk = `{"key":"${key}","reason":"${'x'.repeat(50 * 1024 * 1024)}"}`;
    const res = await callMutation(unlockRoute, 'unlock', 'main', undefined, { rawBody: junk, headers: { 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(415);
    const big = await callMutation(unlockRoute, 'unlock', 'main', undefined, { rawBody: junk });
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('payload_too_large');
    await expectLockIntact(key, json);
    void info;
    const records = (await readAuditObjects(w, bucket, 'lockboard-audit/')).filter((r) => r.errorCode === 'payload_too_large');
    expect(records.length).toBeGreaterThan(0);
    // A body never read names no key.
    expect(records.every((r) => r.key === null)).toBe(true);
    expect(Math.max(...records.map(recordSize))).toBeLessThan(4096);
    expect(records.every((r) => r.seen === null && r.outcome === 'refused')).toBe(true);
    // No log line carries the body either.
    expect(Math.max(...logSpy.mock.calls.map((c) => String(c[0]).length))).toBeLessThan(65_536);
  });

  it('counts streamed bytes (no Content-Length): past the cap is 413, and the stream is not read to its end', async () => {
    useBackends(backends);
    const key = 'stream/terraform.tfstate';
    const { info, json } = await seedLock(key);
    let pulled = 0;
    const chunk = new TextEncoder().encode(' '.repeat(4096));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled === 1) controller.enqueue(new TextEncoder().encode(`{"key":"${key}","id":"${info.id}","reason":"r"`));
        else if (pulled > 10_000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const request = new Request(`${APP_ORIGIN}/api/backends/main/unlock`, { method: 'POST', headers: { 'content-type': 'application/json', origin: APP_ORIGIN, 'sec-fetch-site': 'same-origin' }, body: stream, duplex: 'half' } as RequestInit);
    const res = await unlockRoute(request, { params: Promise.resolve({ id: 'main' }) });
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(20);
    await expectLockIntact(key, json);
  });

  it('a body nested too deep is a 400, never a 500; a malformed body is recorded without its raw content', async () => {
    useBackends(backends);
    const key = 'deep/terraform.tfstate';
    const { info, json } = await seedLock(key);
    const deep = `{"key":"${key}","id":"${info.id}","reason":"r","seen":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const res = await callMutation(unlockRoute, 'unlock', 'main', undefined, { rawBody: deep });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('bad_request');
    expect(res.body.error?.message).toMatch(/nested/);
    const invalid = await unlock({ key, id: info.id, reason: 'r', extra: 'y'.repeat(10_000) });
    expect(invalid.status).toBe(400);
    await expectLockIntact(key, json);
    const records = await recordsFor(key);
    expect(records.map((r) => [r.outcome, r.errorCode])).toEqual([
      ['refused', 'bad_request'],
      ['refused', 'bad_request'],
    ]);
    expect(records.every((r) => r.seen === null && r.reason === 'r' && recordSize(r) < 4096)).toBe(true);
  });
});
