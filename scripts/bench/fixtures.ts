/**
 * The benchmark's seeded backends on the shared moto, written through the real protocol. Each is
 * seeded only when a section that reads it runs:
 * - `main`: BENCH_STATES states with digests, 5,000 more digest items of a sibling bucket in the same
 *   table, BENCH_LOCKS dual-mode locks (sections 1, 2, 3, 6);
 * - `versions`: BENCH_TARGET_VERSIONS versions of one key among BENCH_OTHER_VERSIONS of 300 others (4);
 * - `diff`: two versions of a BENCH_DIFF_MB MiB state (5).
 */
import crypto from 'node:crypto';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { marshalLockInfo } from '../../lib/terraform/lock-info';
import { lockfileKey } from '../../lib/terraform/paths';
import { TerraformWriter, stateDocument } from '../lib/terraform-writer';
import { log, pool } from './common';

export const SEGMENTS = 4;
const STATES = Number(process.env.BENCH_STATES ?? 5000);
export const LOCKS = Number(process.env.BENCH_LOCKS ?? 200);
const VERSIONS_TARGET = Number(process.env.BENCH_TARGET_VERSIONS ?? 3000);
export const VERSIONS_OTHER = Number(process.env.BENCH_OTHER_VERSIONS ?? 30000);
const DIFF_MB = Number(process.env.BENCH_DIFF_MB ?? 20);

export interface MainFixture {
  bucket: string;
  table: string;
  keys: string[];
  lineage: string;
}

export interface VersionsFixture {
  bucket: string;
  targetKey: string;
}

export interface DiffFixture {
  bucket: string;
  key: string;
  sizes: [number, number];
  versionIds: [string | undefined, string | undefined];
}

export interface Fixtures {
  main: MainFixture;
  versions: VersionsFixture;
  diff: DiffFixture;
}

export type FixtureName = keyof Fixtures;

export function smallState(i: number, lineage: string): string {
  return stateDocument({
    serial: 3,
    lineage,
    resources: [{ mode: 'managed', type: 'terraform_data', name: `svc${i}`, provider: 'provider["terraform.io/builtin/terraform"]', instances: [{ schema_version: 0, attributes: { id: crypto.randomUUID(), input: null, output: null, triggers_replace: null }, sensitive_attributes: [] }] }],
  });
}

/** A one-part multipart upload: the ETag becomes "<md5 of md5s>-1", as with SSE-KMS it is not the MD5. */
export async function putSinglePartMultipart(w: TerraformWriter, bucket: string, key: string, body: string): Promise<void> {
  const { UploadId } = await w.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/json' }));
  const part = await w.s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.from(body) }));
  await w.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] } }));
}

/** 5,000 states, 10,000 digest items (+ a sibling bucket's), 200 dual locks (at the default scale). */
export async function seedMain(w: TerraformWriter): Promise<MainFixture> {
  const bucket = 'bench-states';
  const table = 'bench-locks';
  await w.createBucket(bucket);
  await w.createTable(table);
  const seedStart = performance.now();
  const keys = Array.from({ length: STATES }, (_, i) => (i % 5 === 0 ? `env:/ws${i % 7}/svc${i}/terraform.tfstate` : `teams/t${i % 40}/svc${i}/terraform.tfstate`));
  const lineage = crypto.randomUUID();
  const digestItems: Array<Record<string, string>> = [];
  await pool(keys, 16, async (key, i) => {
    const body = smallState(i, lineage);
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    digestItems.push({ LockID: `${bucket}/${key}-md5`, Digest: crypto.createHash('md5').update(body).digest('hex') });
  });
  // The same table also serves a sibling bucket (common in practice): 5,000 more digest items.
  for (let i = 0; i < STATES; i++) digestItems.push({ LockID: `bench-sibling/app${i}/terraform.tfstate-md5`, Digest: crypto.createHash('md5').update(String(i)).digest('hex') });
  const lockInfos = keys.slice(0, LOCKS).map((key) => TerraformWriter.lockInfo(bucket, key, { who: `runner${key.length}@ci` }, Date.now() - Math.random() * 86400_000));
  for (const info of lockInfos) digestItems.push({ LockID: info.path, Info: marshalLockInfo(info) });
  await w.putItemsBatch(table, digestItems);
  await pool(lockInfos, 16, async (info) => {
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: lockfileKey(info.path.slice(bucket.length + 1)), Body: marshalLockInfo(info), ContentType: 'application/json' }));
  });
  log(`seeded ${STATES} states, ${digestItems.length} table items, ${LOCKS} dual locks in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  return { bucket, table, keys, lineage };
}

/** One key's versions spread through a listing of many others', as in real buckets. */
export async function seedVersions(w: TerraformWriter): Promise<VersionsFixture> {
  const bucket = 'bench-versions';
  await w.createBucket(bucket);
  const vStart = performance.now();
  const targetKey = 'core/network/terraform.tfstate';
  const otherKeys = Array.from({ length: 300 }, (_, i) => `core/network${i}/terraform.tfstate`);
  const writes: string[] = [...Array.from({ length: VERSIONS_TARGET }, () => targetKey), ...Array.from({ length: VERSIONS_OTHER }, (_, i) => otherKeys[i % otherKeys.length]!)];
  // Interleave so the target's versions are spread through the listing, as in real buckets.
  writes.sort(() => Math.random() - 0.5);
  let v = 0;
  await pool(writes, 24, async (key) => {
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `{"version":4,"serial":${v++}}\n` }));
  });
  log(`seeded ${writes.length} versions in ${((performance.now() - vStart) / 1000).toFixed(1)} s`);
  return { bucket, targetKey };
}

function bigState(targetBytes: number, lineage: string, serial: number, variant: number): string {
  const resources: unknown[] = [];
  let size = 0;
  let i = 0;
  while (size < targetBytes) {
    // Variant 2 drops every 50th resource, changes every 20th and adds new ones at the end.
    if (variant === 2 && i % 50 === 7) {
      i++;
      continue;
    }
    const changed = variant === 2 && i % 20 === 3;
    const r = {
      mode: 'managed',
      type: 'aws_instance',
      name: `web${i}`,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        {
          schema_version: 1,
          attributes: {
            id: `i-${i.toString(16).padStart(17, '0')}`,
            ami: changed ? 'ami-0new' : 'ami-0abcdef1234567890',
            instance_type: changed ? 't3.large' : 't3.micro',
            tags: { Name: `web-${i}`, Team: 'platform', CostCenter: String(1000 + (i % 97)) },
            user_data: 'x'.repeat(600),
            password: `secret-${i}`,
          },
          sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]],
        },
      ],
    };
    const text = JSON.stringify(r);
    size += text.length + 4;
    resources.push(r);
    i++;
  }
  if (variant === 2) for (let j = 0; j < 100; j++) resources.push({ mode: 'managed', type: 'aws_s3_bucket', name: `new${j}`, provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ schema_version: 0, attributes: { id: `new-${j}` }, sensitive_attributes: [] }] });
  return stateDocument({ serial, lineage, resources, outputs: { db_password: { value: 'hunter2', type: 'string', sensitive: true } } });
}

/** Two versions of one large state (secrets in both: the diff must mask them). */
export async function seedDiff(w: TerraformWriter): Promise<DiffFixture> {
  const bucket = 'bench-diff';
  const key = 'big/terraform.tfstate';
  await w.createBucket(bucket);
  const lineage = crypto.randomUUID();
  const v1 = bigState(DIFF_MB * 1024 * 1024, lineage, 10, 1);
  const v2 = bigState(DIFF_MB * 1024 * 1024, lineage, 11, 2);
  const p1 = await w.putState(bucket, key, v1);
  const p2 = await w.putState(bucket, key, v2);
  log(`seeded two states of ${(v1.length / 2 ** 20).toFixed(1)} and ${(v2.length / 2 ** 20).toFixed(1)} MiB`);
  return { bucket, key, sizes: [v1.length, v2.length], versionIds: [p1.versionId, p2.versionId] };
}

/** The app's backends for the seeded fixtures (ids main, versions, diff). */
export function backendsOf(f: Partial<Fixtures>): unknown[] {
  return [
    ...(f.main ? [{ id: 'main', name: 'bench-states', region: 'us-east-1', bucket: f.main.bucket, dynamodbTable: f.main.table, useLockfile: true, forcePathStyle: true, scanSegments: SEGMENTS }] : []),
    ...(f.versions ? [{ id: 'versions', region: 'us-east-1', bucket: f.versions.bucket, forcePathStyle: true }] : []),
    ...(f.diff ? [{ id: 'diff', region: 'us-east-1', bucket: f.diff.bucket, forcePathStyle: true }] : []),
  ];
}
