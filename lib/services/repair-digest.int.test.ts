import crypto from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST as digestRoute } from '@/app/api/backends/[id]/digest/route';
import { getBackend } from '../server/backends';
import { AppError } from '../api/errors';
import { faults } from '../server/faults';
import { useBackends } from '../testing/integration-env';
import { callMutation, headObject, readAuditObjects, readDigestItem } from '../testing/mutation-requests';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { listStates } from './list-states';
import { repairDigest } from './repair-digest';

const w = new TerraformWriter();
afterAll(() => w.destroy());
afterEach(() => faults.reset());

/** Runs the repair with `during` staged after its read (the digest:after-read seam). */
function repairWith(backend: Parameters<typeof repairDigest>[0], input: Parameters<typeof repairDigest>[1], during: () => Promise<void>) {
  faults.arm('digest:after-read', during);
  return repairDigest(backend, input).finally(() => faults.reset());
}

const bucket = uniqueName('digest');
const table = uniqueName('digesttable');
const md5 = (text: string) => crypto.createHash('md5').update(text, 'utf8').digest('hex');
const repair = (body: unknown, backendId = 'main') => callMutation(digestRoute, 'digest', backendId, body);

/** Overwrites the state object by hand (as `aws s3 cp` does): the digest is not updated. */
async function overwriteByHand(key: string, body: string) {
  await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
}

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createTable(table);
});

beforeEach(() => useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }, { id: 'nofiles', bucket }]));

describe('digest repair through POST /api/backends/{id}/digest', () => {
  it('sets the digest of a mismatched state to the MD5 of the object, leaving the object alone', async () => {
    const key = 'mismatch/terraform.tfstate';
    const first = await w.putState(bucket, key, stateDocument({ serial: 1, lineage: 'l' }), table);
    const edited = stateDocument({ serial: 2, lineage: 'l', outputs: { x: { value: 1, type: 'number' } } });
    await overwriteByHand(key, edited);
    const before = await headObject(w, bucket, key);

    const res = await repair({ key, expected: first.md5, reason: 'hand-edited state is the good one' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ repaired: true, action: 'set', digest: md5(edited), previous: first.md5 });
    expect(await readDigestItem(w, table, bucket, key)).toBe(md5(edited));
    expect(await headObject(w, bucket, key)).toEqual(before);

    const [record] = (await readAuditObjects(w, bucket, 'lockboard-audit/main/')).filter((r) => r.key === key);
    expect(record).toMatchObject({ action: 'repair-digest', outcome: 'succeeded', reason: 'hand-edited state is the good one', seen: { digest: first.md5 } });
    expect(record?.details).toMatchObject({ action: 'set', digest: md5(edited) });
    expect(res.body).toMatchObject({ auditId: record!.id });
  });

  it('the states listing shows the repaired digest as matching', async () => {
    const key = 'listed/terraform.tfstate';
    const first = await w.putState(bucket, key, stateDocument({ serial: 1, lineage: 'l' }), table);
    await overwriteByHand(key, stateDocument({ serial: 5, lineage: 'l' }));
    expect((await repair({ key, expected: first.md5, reason: 'fix' })).status).toBe(200);
    const entry = (await listStates(getBackend('main'))).states.find((s) => s.key === key);
    expect(entry?.digestStatus).toBe('match');
  });

  it('deletes the digest item of an orphan (no state object)', async () => {
    const key = 'orphan/terraform.tfstate';
    const digest = md5('whatever was there');
    await w.putDigest(table, bucket, key, digest);
    const res = await repair({ key, expected: digest, reason: 'state removed on purpose' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ repaired: true, action: 'delete', digest: null });
    expect(await readDigestItem(w, table, bucket, key)).toBeUndefined();
  });

  it('creates a missing digest when the operator saw none', async () => {
    const key = 'missing/terraform.tfstate';
    const body = stateDocument({ serial: 1, lineage: 'm' });
    await overwriteByHand(key, body);
    const res = await repair({ key, expected: null, reason: 'enable consistency check' });
    expect(res.body).toMatchObject({ repaired: true, action: 'set', digest: md5(body) });
    expect(await readDigestItem(w, table, bucket, key)).toBe(md5(body));
  });

  it('409 when the digest changed since the operator looked; nothing written', async () => {
    const key = 'changed/terraform.tfstate';
    const first = await w.putState(bucket, key, stateDocument({ serial: 1, lineage: 'c' }), table);
    await overwriteByHand(key, stateDocument({ serial: 2, lineage: 'c' }));
    const other = md5('someone else fixed it differently');
    await w.putDigest(table, bucket, key, other);
    const res = await repair({ key, expected: first.md5, reason: 'fix' });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('digest_changed');
    expect(res.body.error?.current).toMatchObject({ digest: other });
    expect(await readDigestItem(w, table, bucket, key)).toBe(other);
    // Saw no digest, but there is one now.
    const res2 = await repair({ key, expected: null, reason: 'fix' });
    expect(res2.status).toBe(409);
    expect(await readDigestItem(w, table, bucket, key)).toBe(other);
  });

  it('409 when an orphan gets its state back before the repair', async () => {
    const key = 'orphan-back/terraform.tfstate';
    const digest = md5('x');
    await w.putDigest(table, bucket, key, digest);
    const backend = getBackend('main');
    const err = await repairWith(backend, { key, expected: digest }, () => overwriteByHand(key, 'restored')).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('digest_changed');
    expect(await readDigestItem(w, table, bucket, key)).toBe(digest);
  });

  it('409 when the object changes after it was hashed (HeadObject If-Match), or the digest changes just before the write', async () => {
    const backend = getBackend('main');
    const key = 'race/terraform.tfstate';
    const first = await w.putState(bucket, key, stateDocument({ serial: 1, lineage: 'r' }), table);
    await overwriteByHand(key, stateDocument({ serial: 2, lineage: 'r' }));

    const objectMoved = await repairWith(backend, { key, expected: first.md5 }, () => overwriteByHand(key, stateDocument({ serial: 3, lineage: 'r' }))).catch((e: unknown) => e);
    expect((objectMoved as AppError).code).toBe('digest_changed');
    expect((objectMoved as AppError).message).toMatch(/state object .* changed/);
    expect(await readDigestItem(w, table, bucket, key)).toBe(first.md5);

    // Terraform writes a new state and its digest between the read and the write: the condition fails.
    const tfBody = stateDocument({ serial: 4, lineage: 'r' });
    const digestMoved = await repairWith(backend, { key, expected: first.md5 }, async () => void (await w.putDigest(table, bucket, key, md5(tfBody)))).catch((e: unknown) => e);
    expect((digestMoved as AppError).code).toBe('digest_changed');
    expect(await readDigestItem(w, table, bucket, key)).toBe(md5(tfBody));
  });

  it('refuses with 409 nothing_to_repair when the digest already matches, 400 for a key that is not a state key, 404 when nothing exists, 400 without a table or reason', async () => {
    const key = 'fine/terraform.tfstate';
    const state = await w.putState(bucket, key, stateDocument({ serial: 1, lineage: 'f' }), table);
    const matches = await repair({ key, expected: state.md5, reason: 'r' });
    expect(matches.status).toBe(409);
    expect(matches.body.error?.message).toMatch(/already matches/);
    // Not a conflict with what the operator saw: its own code, with both values.
    expect(matches.body.error).toMatchObject({ code: 'nothing_to_repair', calculated: state.md5, digest: state.md5 });
    // Only state keys have digests: a `.tflock` or any other object is a 400, as on every other route.
    for (const other of [`${key}.tflock`, 'notes/readme.txt']) {
      const refused = await repair({ key: other, expected: null, reason: 'r' });
      expect(refused.status, other).toBe(400);
      expect(refused.body.error?.message).toMatch(/not a state key/);
    }
    expect((await repair({ key: 'nothing/here.tfstate', expected: null, reason: 'r' })).status).toBe(404);
    expect((await repair({ key, expected: state.md5, reason: 'r' }, 'nofiles')).status).toBe(400);
    expect((await repair({ key, expected: state.md5, reason: '' })).status).toBe(400);
    expect((await repair({ key, reason: 'r' })).status).toBe(400);
    expect(await readDigestItem(w, table, bucket, key)).toBe(state.md5);
  });
});
