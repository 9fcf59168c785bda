/**
 * Seeding for the views section (scripts/bench/views.ts), through the real protocol but in bulk:
 * state objects 16 at a time, digest and lock items 25 a request (BatchWriteItem), `.tflock`
 * objects 16 at a time. Every state has its own content (the inventory pass downloads each one).
 */
import crypto from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { marshalLockInfo } from '../../lib/terraform/lock-info';
import { lockfileKey } from '../../lib/terraform/paths';
import { TerraformWriter } from '../lib/terraform-writer';
import { pool } from './common';
import { smallState } from './fixtures';

export interface SeededBackend {
  id: string;
  bucket: string;
  table: string;
  keys: string[];
  /** Keys of the live locks. */
  locked: string[];
}

const ENVS = ['prod', 'staging', 'dev'];

/** One service per key: `svc-01234` (five digits), so the filter `svc-0123` keeps ten of 20,000. */
export function viewKey(i: number): string {
  const svc = `svc-${String(i).padStart(5, '0')}`;
  return i % 5 === 0 ? `env:/ws${i % 7}/${svc}/terraform.tfstate` : `teams/t${i % 40}/${svc}/${ENVS[i % 3]}/terraform.tfstate`;
}

/**
 * A backend (versioned bucket + lock table, dual-mode locks) with `states` states, one in
 * `mismatchEvery` with a digest that does not match, and `locks` live locks (one in 20 a day old,
 * the others a few minutes).
 */
export async function seedViewBackend(w: TerraformWriter, id: string, states: number, locks: number, mismatchEvery = 100): Promise<SeededBackend> {
  const bucket = `view-${id}`;
  const table = `view-${id}-locks`;
  await w.createBucket(bucket);
  await w.createTable(table);
  const keys = Array.from({ length: states }, (_, i) => viewKey(i));
  const lineage = crypto.randomUUID();
  const items: Array<Record<string, string>> = [];
  await pool(keys, 16, async (key, i) => {
    const body = smallState(i, lineage);
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    const md5 = crypto.createHash('md5').update(i % mismatchEvery === 7 ? `not ${body}` : body).digest('hex');
    items.push({ LockID: `${bucket}/${key}-md5`, Digest: md5 });
  });
  const locked = keys.filter((_, i) => i % Math.max(1, Math.floor(states / Math.max(1, locks))) === 0).slice(0, locks);
  const infos = locked.map((key, i) => TerraformWriter.lockInfo(bucket, key, { who: `runner-${i % 50}@ci`, operation: 'OperationTypeApply' }, Date.now() - (i % 20 === 0 ? 86_400_000 : 60_000 + (i % 300) * 1000)));
  for (const info of infos) items.push({ LockID: info.path, Info: marshalLockInfo(info) });
  await w.putItemsBatch(table, items);
  await pool(infos, 16, async (info) => {
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: lockfileKey(info.path.slice(bucket.length + 1)), Body: marshalLockInfo(info), ContentType: 'application/json' }));
  });
  return { id, bucket, table, keys, locked };
}

/** The app's backend entry for a seeded backend. */
export function backendEntry(b: SeededBackend): Record<string, unknown> {
  return { id: b.id, name: b.id, region: 'us-east-1', bucket: b.bucket, dynamodbTable: b.table, useLockfile: true, forcePathStyle: true };
}
