/**
 * Operator rules are scoped: a user made operator on `team-a/**` of one backend can force-unlock
 * there and nowhere else (403 `not_allowed`, lock intact, refusal audited), through the real unlock
 * route against moto.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { useBackends } from '../testing/integration-env';
import { callMutation, readAuditObjects, readLockItem } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const bucket = uniqueName('scoped');
const table = uniqueName('scopedlocks');
const backends = [{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }];
const RULES = { authMode: 'proxy', accessRules: [{ backends: ['main'], keys: ['team-a/**'], groups: ['team-a-oncall'], role: 'operator' }] };
const bob = { 'x-forwarded-email': 'bob@example.com', 'x-forwarded-groups': 'team-a-oncall' };

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createTable(table);
});

describe('scoped operator', () => {
  it('unlocks within its key glob, is refused outside it', async () => {
    useBackends(backends, RULES);
    const inside = 'team-a/app/terraform.tfstate';
    const outside = 'team-b/app/terraform.tfstate';
    const a = TerraformWriter.lockInfo(bucket, inside);
    const b = TerraformWriter.lockInfo(bucket, outside);
    await w.lockBoth(table, bucket, inside, a);
    await w.lockBoth(table, bucket, outside, b);

    const refused = await callMutation(unlockRoute, 'unlock', 'main', { key: outside, id: b.id, reason: 'not mine' }, { headers: bob });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', reason: 'not_allowed', role: 'operator' });
    expect(await readLockItem(w, table, bucket, outside)).toBeDefined();
    const records = await readAuditObjects(w, bucket, 'lockboard-audit/');
    expect(records.filter((r) => r.key === outside).map((r) => [r.outcome, r.user])).toEqual([['refused', 'bob@example.com']]);

    const ok = await callMutation(unlockRoute, 'unlock', 'main', { key: inside, id: a.id, reason: 'stale' }, { headers: bob });
    expect(ok.status).toBe(200);
    expect(await readLockItem(w, table, bucket, inside)).toBeUndefined();

    // Without the group: a plain viewer.
    const viewer = await callMutation(unlockRoute, 'unlock', 'main', { key: outside, id: b.id, reason: 'r' }, { headers: { 'x-forwarded-email': 'bob@example.com' } });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error).toMatchObject({ reason: 'not_operator' });
  });
});
