import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { getBackend } from '../server/backends';
import { useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { SENSITIVE_MASK } from '../terraform/state-diff';
import { clearDiffCache, diffVersions } from './diff-versions';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const LINEAGE = 'c3d4e5f6-0000-4000-8000-000000000003';
const KEY = 'diff/terraform.tfstate';
const SECRETS = ['db-pass-OLD-7f3a', 'db-pass-NEW-9c1b', 'api-token-OLD-2d8e', 'api-token-NEW-5b6f'];

function db(password: string, instanceClass: string) {
  return {
    mode: 'managed',
    type: 'aws_db_instance',
    name: 'main',
    module: 'module.data',
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ schema_version: 2, attributes: { id: 'db-1', instance_class: instanceClass, password }, sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]] }],
  };
}
function web(i: number, ami: string) {
  return { mode: 'managed', type: 'aws_instance', name: 'web', provider: 'p', instances: [{ index_key: `w${i}`, schema_version: 1, attributes: { id: `i-${i}`, ami }, sensitive_attributes: [] }] };
}

describe('diff of two versions of a state', () => {
  const bucket = uniqueName('diff');
  const v: Record<string, string> = {};

  beforeAll(async () => {
    await w.createBucket(bucket);
    const put = async (name: string, body: string) => (v[name] = (await w.putState(bucket, KEY, body)).versionId!);
    await put('one', stateDocument({ serial: 1, lineage: LINEAGE, resources: [db(SECRETS[0]!, 'db.t3.micro'), web(1, 'ami-1'), web(2, 'ami-1')], outputs: { token: { value: SECRETS[2], type: 'string', sensitive: true }, url: { value: 'https://a', type: 'string' } } }));
    await put('two', stateDocument({ serial: 2, lineage: LINEAGE, resources: [db(SECRETS[1]!, 'db.t3.large'), web(1, 'ami-2'), web(3, 'ami-1')], outputs: { token: { value: SECRETS[3], type: 'string', sensitive: true }, url: { value: 'https://b', type: 'string' } } }));
    await put('encrypted', JSON.stringify({ serial: 3, lineage: LINEAGE, meta: {}, encrypted_data: 'AAAA', encryption_version: 'v0' }));
    useBackends([{ id: 'd', bucket }]);
  });

  it('lists added, removed and changed resources and outputs, masking every sensitive value', async () => {
    const diff = await diffVersions(getBackend('d'), KEY, { from: v.one, to: v.two });
    expect(diff.comparable).toBe(true);
    expect(diff.from).toMatchObject({ versionId: v.one, serial: 1, kind: 'plaintext' });
    expect(diff.to).toMatchObject({ versionId: v.two, serial: 2 });
    expect(diff.summary.resources).toEqual({ added: 1, removed: 1, changed: 2, unchanged: 0 });
    expect(diff.resources.map((r) => [r.address, r.action])).toEqual([
      ['aws_instance.web["w1"]', 'changed'],
      ['aws_instance.web["w2"]', 'removed'],
      ['aws_instance.web["w3"]', 'added'],
      ['module.data.aws_db_instance.main', 'changed'],
    ]);
    const dbChange = diff.resources[3]!;
    expect(dbChange.changes).toEqual([
      { path: 'instance_class', action: 'changed', before: 'db.t3.micro', after: 'db.t3.large' },
      { path: 'password', action: 'changed', before: SENSITIVE_MASK, after: SENSITIVE_MASK, sensitive: true },
    ]);
    expect(diff.outputs).toEqual([
      { name: 'token', action: 'changed', sensitive: true, before: SENSITIVE_MASK, after: SENSITIVE_MASK },
      { name: 'url', action: 'changed', sensitive: false, before: 'https://a', after: 'https://b' },
    ]);
    const text = JSON.stringify(diff);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('compares the latest version with the previous one by default', async () => {
    const b = uniqueName('diffdefault');
    await w.createBucket(b);
    const first = (await w.putState(b, KEY, stateDocument({ serial: 1, lineage: LINEAGE }))).versionId;
    const second = (await w.putState(b, KEY, stateDocument({ serial: 2, lineage: LINEAGE, resources: [web(1, 'ami-1')] }))).versionId;
    useBackends([{ id: 'dd', bucket: b }]);
    const diff = await diffVersions(getBackend('dd'), KEY);
    expect(diff.from.versionId).toBe(first);
    expect(diff.to.versionId).toBe(second);
    expect(diff.summary.resources.added).toBe(1);
  });

  it('gives a clear note instead of a diff for an encrypted version', async () => {
    useBackends([{ id: 'd', bucket }]);
    const diff = await diffVersions(getBackend('d'), KEY, { from: v.two, to: v.encrypted });
    expect(diff.comparable).toBe(false);
    expect(diff.note).toMatch(/OpenTofu-encrypted/);
    expect(diff.to).toMatchObject({ kind: 'encrypted', serial: 3 });
    expect(diff.resources).toEqual([]);
  });

  it('pages resource changes and reuses the computed diff for the next page', async () => {
    useBackends([{ id: 'd', bucket }]);
    clearDiffCache();
    resetAwsCallCounts();
    const first = await diffVersions(getBackend('d'), KEY, { from: v.one, to: v.two, offset: 0, limit: 3 });
    const second = await diffVersions(getBackend('d'), KEY, { from: v.one, to: v.two, offset: 3, limit: 3 });
    expect(first.page).toEqual({ offset: 0, limit: 3, total: 4 });
    expect(second.resources.map((r) => r.address)).toEqual(['module.data.aws_db_instance.main']);
    expect(awsCallCounts()['s3:GetObject']).toBe(2);
  });

  it('answers version_not_found for an unknown version', async () => {
    const err = await diffVersions(getBackend('d'), KEY, { from: v.one, to: 'not-a-version' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('version_not_found');
  });

  it('diffs two 20 MB versions with every secret masked', async () => {
    const big = (variant: number) => {
      const resources = [];
      for (let i = 0; i < 28_000; i++) {
        if (variant === 2 && i % 50 === 7) continue;
        const changed = variant === 2 && i % 20 === 3;
        resources.push({
          mode: 'managed',
          type: 'aws_instance',
          name: `web${i}`,
          provider: 'p',
          instances: [{ schema_version: 1, attributes: { id: `i-${i}`, instance_type: changed ? 't3.large' : 't3.micro', user_data: 'x'.repeat(600), password: `big-secret-${i}` }, sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]] }],
        });
      }
      return stateDocument({ serial: variant, lineage: LINEAGE, resources, outputs: { pw: { value: 'hunter2-big', type: 'string', sensitive: true } } });
    };
    const b = uniqueName('diffbig');
    await w.createBucket(b);
    const one = big(1);
    expect(one.length).toBeGreaterThan(20 * 2 ** 20);
    const from = (await w.putStateMultipart(b, KEY, one)).versionId;
    const to = (await w.putStateMultipart(b, KEY, big(2))).versionId;
    useBackends([{ id: 'big', bucket: b }]);
    const diff = await diffVersions(getBackend('big'), KEY, { from, to, limit: 50 });
    expect(diff.summary.resources).toEqual({ added: 0, removed: 560, changed: 1400, unchanged: 26_040 });
    expect(diff.resources).toHaveLength(50);
    expect(diff.page.total).toBe(1960);
    const text = JSON.stringify(diff);
    expect(text).not.toMatch(/big-secret-|hunter2-big/);
  }, 120_000);
});
