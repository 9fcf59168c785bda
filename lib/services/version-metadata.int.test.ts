import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { getBackend } from '../server/backends';
import { useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { getVersionMetadata } from './version-metadata';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const LINEAGE = 'b2c3d4e5-0000-4000-8000-000000000002';
const KEY = 'meta/terraform.tfstate';

describe('metadata of one version', () => {
  const bucket = uniqueName('meta');
  const v: Record<string, string> = {};
  const plaintext = stateDocument({
    serial: 17,
    lineage: LINEAGE,
    terraformVersion: '1.11.4',
    resources: [
      { mode: 'managed', type: 'aws_instance', name: 'a', provider: 'p', instances: [{ index_key: 0, attributes: { password: 'meta-secret-1' }, sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]] }, { index_key: 1, attributes: {} }] },
      { mode: 'data', type: 'aws_ami', name: 'b', provider: 'p', instances: [{ attributes: {} }] },
    ],
    outputs: { pw: { value: 'meta-secret-2', type: 'string', sensitive: true }, url: { value: 'x', type: 'string' } },
  });
  const encrypted = JSON.stringify({ serial: 5, lineage: LINEAGE, meta: { 'key_provider.pbkdf2.main': 'eyJzYWx0Ijoi' }, encrypted_data: 'c2VjcmV0', encryption_version: 'v0' });

  beforeAll(async () => {
    await w.createBucket(bucket);
    const put = async (name: string, body: string) => (v[name] = (await w.putState(bucket, KEY, body)).versionId!);
    await put('empty', '');
    await put('notJson', 'terraform { backend "s3" {} }\n');
    await put('otherJson', '{"hello":"world"}');
    await put('encrypted', encrypted);
    await put('plaintext', plaintext);
    useBackends([{ id: 'm', bucket }]);
  });

  it('reads a plaintext state: serial, lineage, terraform_version, counts, layout, MD5', async () => {
    const { metadata } = await getVersionMetadata(getBackend('m'), KEY, v.plaintext!);
    expect(metadata).toMatchObject({
      kind: 'plaintext',
      encrypted: false,
      versionId: v.plaintext,
      serial: 17,
      lineage: LINEAGE,
      terraformVersion: '1.11.4',
      resourceCount: 2,
      dataSourceCount: 1,
      instanceCount: 3,
      outputCount: 2,
      sensitiveOutputCount: 1,
      size: Buffer.byteLength(plaintext),
      md5: crypto.createHash('md5').update(plaintext).digest('hex'),
      layout: { style: 'indented', indentUnit: '  ', trailingNewline: true },
    });
    expect(JSON.stringify(metadata)).not.toMatch(/meta-secret/);
  });

  it('says what the other kinds are, without failing', async () => {
    expect((await getVersionMetadata(getBackend('m'), KEY, v.empty!)).metadata).toMatchObject({ kind: 'empty', size: 0, serial: null });
    expect((await getVersionMetadata(getBackend('m'), KEY, v.notJson!)).metadata).toMatchObject({ kind: 'not_json', serial: null });
    expect((await getVersionMetadata(getBackend('m'), KEY, v.otherJson!)).metadata).toMatchObject({ kind: 'other_json' });
    const enc = (await getVersionMetadata(getBackend('m'), KEY, v.encrypted!)).metadata;
    expect(enc).toMatchObject({ kind: 'encrypted', encrypted: true, serial: 5, lineage: LINEAGE, encryptionVersion: 'v0', keyProviders: ['key_provider.pbkdf2.main'] });
    expect(JSON.stringify(enc)).not.toContain('eyJzYWx0Ijoi');
  });

  it('downloads a version once: later reads come from the cache', async () => {
    useBackends([{ id: 'm', bucket }]);
    resetAwsCallCounts();
    await getVersionMetadata(getBackend('m'), KEY, v.otherJson!);
    await getVersionMetadata(getBackend('m'), KEY, v.otherJson!);
    // Cached by version ID from the test above, or read exactly once here.
    expect(awsCallCounts()['s3:GetObject'] ?? 0).toBeLessThanOrEqual(1);
    const fresh = (await w.putState(bucket, KEY, stateDocument({ serial: 18, lineage: LINEAGE }))).versionId!;
    resetAwsCallCounts();
    await Promise.all([getVersionMetadata(getBackend('m'), KEY, fresh), getVersionMetadata(getBackend('m'), KEY, fresh)]);
    await getVersionMetadata(getBackend('m'), KEY, fresh);
    expect(awsCallCounts()).toEqual({ 's3:GetObject': 1 });
  });

  it('answers version_not_found for an unknown version of the key', async () => {
    const err = await getVersionMetadata(getBackend('m'), KEY, 'no-such-version').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('version_not_found');
    // A real version ID of another key is not a version of this one.
    const other = (await w.putState(bucket, 'other/terraform.tfstate', '{}')).versionId!;
    expect(((await getVersionMetadata(getBackend('m'), KEY, other).catch((e: unknown) => e)) as AppError).code).toBe('version_not_found');
  });

  it('handles a state of tens of MB', async () => {
    const resources = Array.from({ length: 40_000 }, (_, i) => ({ mode: 'managed', type: 't', name: `r${i}`, provider: 'p', instances: [{ attributes: { id: String(i), blob: 'y'.repeat(500) } }] }));
    const big = stateDocument({ serial: 99, lineage: LINEAGE, resources });
    expect(big.length).toBeGreaterThan(20 * 2 ** 20);
    const id = (await w.putStateMultipart(bucket, KEY, big)).versionId!;
    const { metadata } = await getVersionMetadata(getBackend('m'), KEY, id);
    expect(metadata).toMatchObject({ kind: 'plaintext', serial: 99, instanceCount: 40_000, size: Buffer.byteLength(big) });
  }, 60_000);
});
