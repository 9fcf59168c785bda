/**
 * `X-Lockboard-Client` reaches the audit record as `via`, next to the verified user, for a change, a
 * refusal and each lock of a bulk unlock; it grants nothing (a non-operator naming a tool is refused).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as auditRoute } from '@/app/api/audit/route';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { POST as unlockManyRoute } from '@/app/api/backends/[id]/unlock-many/route';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN, callMutation, readAuditObjects, readLockItem } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
afterAll(() => w.destroy());
const bucket = uniqueName('via');
const table = uniqueName('viatable');
const backends = [{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }];
const PROXY = { authMode: 'proxy', operators: ['alice@example.com'] };

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createTable(table);
});

const recordsFor = async (key: string) => (await readAuditObjects(w, bucket, 'lockboard-audit/')).filter((r) => r.key === key);

describe('X-Lockboard-Client in the audit record', () => {
  it('records the agent with the verified user on a change, and the API returns it', async () => {
    useBackends(backends, PROXY);
    const key = 'via/ok/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key);
    await w.lockBoth(table, bucket, key, info);
    const res = await callMutation(unlockRoute, 'unlock', 'main', { key, id: info.id, reason: 'agent run' }, { headers: { 'x-forwarded-email': 'alice@example.com', 'x-lockboard-client': 'mcp/claude\u001b[2J' } });
    expect(res.status).toBe(200);
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect((await recordsFor(key)).map((r) => [r.outcome, r.user, r.via])).toEqual([['succeeded', 'alice@example.com', 'mcp/claude[2J']]);
    const listed = await auditRoute(new Request(`${APP_ORIGIN}/api/audit?backend=main&key=${encodeURIComponent(key)}`, { headers: { 'x-forwarded-email': 'alice@example.com' } }));
    const body = (await listed.json()) as { records: Array<{ user: string; via?: string | null }> };
    expect(body.records.map((r) => [r.user, r.via])).toEqual([['alice@example.com', 'mcp/claude[2J']]);
  });

  it('records it on a refusal, which it does not prevent: the agent of a non-operator is still refused', async () => {
    useBackends(backends, PROXY);
    const key = 'via/refused/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key);
    await w.lockBoth(table, bucket, key, info);
    const res = await callMutation(unlockRoute, 'unlock', 'main', { key, id: info.id, reason: 'r' }, { headers: { 'x-forwarded-email': 'bob@example.com', 'x-lockboard-client': 'cli/0.1.0' } });
    expect(res.status).toBe(403);
    expect(await readLockItem(w, table, bucket, key)).not.toBeUndefined();
    expect((await recordsFor(key)).map((r) => [r.outcome, r.user, r.via])).toEqual([['refused', 'bob@example.com', 'cli/0.1.0']]);
  });

  it('carries it into each lock of a bulk unlock, and leaves it out when the header is absent', async () => {
    useBackends(backends, PROXY);
    const key = 'via/bulk/terraform.tfstate';
    const plain = 'via/plain/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key);
    await w.lockBoth(table, bucket, key, info);
    const body = { reason: 'bulk', confirmation: 'UNLOCK 1', locks: [{ key, id: info.id }] };
    const res = await callMutation(unlockManyRoute, 'unlock-many', 'main', body, { headers: { 'x-forwarded-email': 'alice@example.com', 'x-lockboard-client': 'mcp/ops-bot' } });
    expect(res.status).toBe(200);
    expect((await recordsFor(key)).map((r) => [r.action, r.user, r.via])).toEqual([['force-unlock', 'alice@example.com', 'mcp/ops-bot']]);
    const plainInfo = TerraformWriter.lockInfo(bucket, plain);
    await w.lockBoth(table, bucket, plain, plainInfo);
    await callMutation(unlockRoute, 'unlock', 'main', { key: plain, id: plainInfo.id, reason: 'r' }, { headers: { 'x-forwarded-email': 'alice@example.com' } });
    expect((await recordsFor(plain)).map((r) => [r.outcome, r.via ?? null])).toEqual([['succeeded', null]]);
  });
});
