import crypto from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearCache } from '../server/cache';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { signJson } from '../server/signing';
import { useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { getInventory, refreshInventory, resetInventoriesForTests, searchInventories, searchStates } from './inventory';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';
const doc = (serial: number, tf: string, resources: unknown[], outputs: Record<string, unknown> = {}) => stateDocument({ serial, lineage: 'l', terraformVersion: tf, resources, outputs });
const role = { mode: 'managed', type: 'aws_iam_role', name: 'deployer', provider: AWS, instances: [{ attributes: { arn: 'arn:inv-secret' } }] };
const web = { mode: 'managed', type: 'aws_instance', name: 'web', provider: AWS, instances: [{ index_key: 'a "q"', attributes: {} }, { index_key: 'ü', attributes: {} }] };

/** A process restart: no in-memory inventory, no cached listing. */
function restart(): void {
  resetInventoriesForTests();
  clearCache();
  resetAwsCallCounts();
}

describe('inventory index', () => {
  const bucket = uniqueName('inv');
  const same = doc(1, '1.5.7', [role], { secret_out: { value: 'inv-secret-out', type: 'string', sensitive: true } });

  beforeAll(async () => {
    await w.createBucket(bucket);
    // Three states with one content: one download.
    for (const k of ['a', 'b', 'c']) await w.putState(bucket, `${k}/terraform.tfstate`, same);
    await w.putState(bucket, 'keys/terraform.tfstate', doc(4, '1.11.4', [web]));
    await w.putState(bucket, 'env:/prod/net/terraform.tfstate', doc(9, '1.11.4', [{ ...role, module: 'module.ci' }]));
    await w.putState(bucket, 'enc/terraform.tfstate', JSON.stringify({ serial: 2, lineage: 'x', meta: {}, encrypted_data: 'Zm9v', encryption_version: 'v0' }));
    await w.putState(bucket, 'cut/terraform.tfstate', same.slice(0, 40));
    await w.putState(bucket, 'txt/terraform.tfstate', 'not a state');
    restart();
    useBackends([{ id: 'inv', bucket }]);
  });

  it('reads each distinct content once and lists unreadable states with their kind', async () => {
    const p = await refreshInventory('inv');
    expect(p).toMatchObject({ phase: 'ready', total: 6, done: 6, downloads: 6, reused: 0, storedIndex: 'missing', writeError: null });
    const inv = getInventory('inv');
    expect(inv.stateCount).toBe(8);
    const byKey = Object.fromEntries(inv.states.map((s) => [s.key, s]));
    expect(byKey['a/terraform.tfstate']).toMatchObject({ kind: 'plaintext', serial: 1, terraformVersion: '1.5.7', resourceCount: 1, providers: ['hashicorp/aws'] });
    expect(byKey['enc/terraform.tfstate']).toMatchObject({ kind: 'encrypted', serial: 2 });
    expect(byKey['cut/terraform.tfstate']!.kind).toBe('truncated');
    expect(byKey['txt/terraform.tfstate']!.kind).toBe('not_json');
    expect(JSON.stringify(inv)).not.toMatch(/inv-secret/);
  });

  it('stores the index content-addressed under lockboard-index/ without any value', async () => {
    const listed = await w.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'lockboard-index/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    expect(keys).toContain('lockboard-index/inv/v1/manifest.json');
    expect(keys.filter((k) => /\/chunks\/[0-9a-f]{64}\.json$/.test(k))).toHaveLength(1);
    for (const key of keys) {
      const body = await (await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
      expect(body).not.toMatch(/inv-secret/);
    }
  });

  it('searches by address, instance key, module, type, Terraform version and output', () => {
    const keys = (q: string) => searchInventories(q).hits.map((h) => h.key);
    expect(keys('aws_iam_role.deployer')).toEqual(['a/terraform.tfstate', 'b/terraform.tfstate', 'c/terraform.tfstate', 'env:/prod/net/terraform.tfstate']);
    expect(searchInventories('aws_instance.web["a \\"q\\""]').hits[0]!.matches).toEqual(['aws_instance.web["a \\"q\\""]']);
    expect(keys('module:ci')).toEqual(['env:/prod/net/terraform.tfstate']);
    expect(keys('tf:<1.6 type:aws_iam_role')).toEqual(['a/terraform.tfstate', 'b/terraform.tfstate', 'c/terraform.tfstate']);
    expect(keys('output:secret_out')).toHaveLength(3);
    expect(searchInventories('type:aws_iam_role').unsearchable).toEqual({ encrypted: 1, truncated: 1, not_json: 1 });
  });

  it('after a restart reuses the stored index: no state is downloaded', async () => {
    restart();
    const p = await refreshInventory('inv');
    expect(p).toMatchObject({ phase: 'ready', downloads: 0, reused: 8, total: 0, storedIndex: 'loaded', storedIndexNote: null });
    expect(awsCallCounts()['s3:GetObject']).toBe(2); // the manifest and its one chunk
    expect(getInventory('inv').states).toHaveLength(8);
  });

  it('reads again exactly the states that changed', async () => {
    await w.putState(bucket, 'keys/terraform.tfstate', doc(5, '1.11.4', [web, role]));
    clearCache();
    const p = await refreshInventory('inv');
    expect(p).toMatchObject({ downloads: 1, total: 1, reused: 7 });
    expect(getInventory('inv').states.find((s) => s.key === 'keys/terraform.tfstate')).toMatchObject({ serial: 5, resourceCount: 2 });
    // And the new summary is stored: a restarted replica downloads nothing.
    restart();
    expect(await refreshInventory('inv')).toMatchObject({ downloads: 0, reused: 8 });
  });

  it('a corrupted chunk is detected by its hash and only its states are read again', async () => {
    const listed = await w.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'lockboard-index/inv/v1/chunks/' }));
    for (const o of listed.Contents ?? []) await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: o.Key!, Body: '{"format":1,"kind":"lockboard-index-chunk","summaries":{}}' }));
    restart();
    const p = await refreshInventory('inv');
    expect(p.storedIndex).toBe('loaded');
    expect(p.storedIndexNote).toMatch(/missing or corrupt/);
    expect(p.downloads).toBe(6);
    expect(searchInventories('aws_iam_role.deployer').total).toBe(5);
  });

  it('a corrupted manifest is rebuilt', async () => {
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'lockboard-index/inv/v1/manifest.json', Body: '{"format":1,"kind":"lockboard-index-manifest","backend":"inv","states":[["x"' }));
    restart();
    const p = await refreshInventory('inv');
    expect(p).toMatchObject({ storedIndex: 'corrupt', writeError: null });
    restart();
    expect(await refreshInventory('inv')).toMatchObject({ storedIndex: 'loaded', downloads: 0 });
  });

  it('a planted manifest (with a chunk to match) is not used: the states are read again and it is replaced', async () => {
    restart();
    await refreshInventory('inv');
    const manifestKey = 'lockboard-index/inv/v1/manifest.json';
    const text = async (key: string) => (await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    // What someone with s3:PutObject on the bucket can do: a chunk saying a/ holds a planted resource
    // (named by its own hash, as Lockboard names chunks) and a manifest pointing at it, unsigned.
    const manifest = JSON.parse(await text(manifestKey)) as { states: [string, string, string][]; lockboardSignature?: string };
    expect(manifest.lockboardSignature).toMatch(/^v1\./);
    const entry = manifest.states.find(([key]) => key === 'a/terraform.tfstate')!;
    const chunk = JSON.parse(await text(`lockboard-index/inv/v1/chunks/${entry[2]}.json`)) as { summaries: Record<string, { resources: unknown[] }> };
    chunk.summaries[entry[1]]!.resources.push({ address: 'aws_s3_bucket.planted', type: 'aws_s3_bucket', module: '', provider: 'hashicorp/aws', keys: [] });
    const chunkText = JSON.stringify(chunk);
    const sha = crypto.createHash('sha256').update(chunkText).digest('hex');
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `lockboard-index/inv/v1/chunks/${sha}.json`, Body: chunkText }));
    delete manifest.lockboardSignature;
    manifest.states = manifest.states.map(([key, etag, c]) => [key, etag, key === 'a/terraform.tfstate' ? sha : c]);
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: JSON.stringify(manifest) }));

    restart();
    const p = await refreshInventory('inv');
    expect(p).toMatchObject({ storedIndex: 'corrupt', downloads: 6, writeError: null });
    expect(p.storedIndexNote).toMatch(/^The stored index manifest was not written by Lockboard \(not signed/);
    expect(searchInventories('aws_s3_bucket.planted').total).toBe(0);
    // Replaced by a signed one, which the next replica uses.
    expect(JSON.parse(await text(manifestKey))).toMatchObject({ lockboardSignature: expect.stringMatching(/^v1\./) });
    restart();
    expect(await refreshInventory('inv')).toMatchObject({ storedIndex: 'loaded', downloads: 0 });
  });

  it('a manifest of a newer Lockboard (signed with the same key) is neither used nor overwritten', async () => {
    const newer = signJson('index-manifest', 'lockboard-index/inv/v1/manifest.json', JSON.stringify({ format: 99, kind: 'lockboard-index-manifest', backend: 'inv', states: [['a/terraform.tfstate', 'wrong', 'f'.repeat(64)]] }));
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'lockboard-index/inv/v1/manifest.json', Body: newer }));
    restart();
    const p = await refreshInventory('inv');
    expect(p).toMatchObject({ storedIndex: 'newer_format', downloads: 6 });
    expect(p.storedIndexNote).toMatch(/newer Lockboard/);
    expect(getInventory('inv').states.find((s) => s.key === 'a/terraform.tfstate')!.serial).toBe(1);
    const body = await (await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'lockboard-index/inv/v1/manifest.json' }))).Body!.transformToString();
    expect(body).toBe(newer);
  });
});

describe('search against the current listing', () => {
  const bucket = uniqueName('inv-fresh');

  beforeAll(async () => {
    await w.createBucket(bucket);
    for (const k of ['a', 'b', 'c']) await w.putState(bucket, `${k}/terraform.tfstate`, doc(41, '1.11.4', [role]));
    restart();
    useBackends([{ id: 'fresh', bucket }]);
    await refreshInventory('fresh');
  });

  it('marks a hit whose state changed or was deleted since indexing, never as current, and reads it again', async () => {
    const before = await searchStates('aws_iam_role.deployer');
    expect(before.hits.map((h) => [h.key, h.freshness, h.serial])).toEqual([
      ['a/terraform.tfstate', 'current', 41],
      ['b/terraform.tfstate', 'current', 41],
      ['c/terraform.tfstate', 'current', 41],
    ]);
    // Written and deleted behind the index's back (another replica, the CLI…).
    await w.putState(bucket, 'a/terraform.tfstate', doc(42, '1.11.4', [role]));
    await w.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'b/terraform.tfstate' }));
    clearCache(); // the next answer lists the bucket again (as after the watch interval)
    const after = await searchStates('aws_iam_role.deployer');
    expect(after.hits.map((h) => [h.key, h.freshness, h.serial])).toEqual([
      ['a/terraform.tfstate', 'changed', 41],
      ['b/terraform.tfstate', 'deleted', 41],
      ['c/terraform.tfstate', 'current', 41],
    ]);
    // A pass was started at once to read them again; once it is done the hits are current.
    expect(after.backends).toEqual([expect.objectContaining({ backendId: 'fresh', phase: 'indexing' })]);
    await refreshInventory('fresh');
    const again = await searchStates('aws_iam_role.deployer');
    expect(again.hits.map((h) => [h.key, h.freshness, h.serial])).toEqual([
      ['a/terraform.tfstate', 'current', 42],
      ['c/terraform.tfstate', 'current', 41],
    ]);
  });
});
