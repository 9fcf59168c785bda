/**
 * The real Terraform CLI against moto: a lock held by a running `terraform apply` shows up in
 * listLocks exactly as Terraform wrote it, and is gone once the apply ends. Skipped (with a message)
 * where terraform >= 1.10 is not on PATH.
 */
import os from 'node:os';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackends, motoEndpoint } from '../testing/integration-env';
import { TERRAFORM_SKIP_REASON, TerraformDir, pollUntil, terraformInfo, type RunningTerraform } from '../../scripts/lib/terraform-cli';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { getBackend } from '../server/backends';
import { listLocks } from './list-locks';

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] lib/services/terraform-locks.int.test.ts: ${TERRAFORM_SKIP_REASON}`);

/** LockInfo JSON exactly as Terraform's Go `json.Marshal` wrote it. */
interface GoLockInfo {
  ID: string;
  Operation: string;
  Info: string;
  Who: string;
  Version: string;
  Created: string;
  Path: string;
}

describe.skipIf(!tf)(`a real terraform apply (${tf?.version ?? 'absent'}) holding a lock`, () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('tf-locks');
  const table = uniqueName('tf-locktable');
  const dirs: TerraformDir[] = [];
  const runs: RunningTerraform[] = [];

  beforeAll(async () => {
    await w.createBucket(bucket);
    await w.createTable(table);
    useBackends([
      { id: 'dual', bucket, dynamodbTable: table, useLockfile: true },
      { id: 'files', bucket, useLockfile: true },
    ]);
  });

  afterAll(async () => {
    await Promise.all(runs.map((r) => r.kill9()));
    dirs.forEach((d) => d.cleanup());
    w.destroy();
  });

  async function readLockfile(key: string): Promise<string> {
    const out = await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${key}.tflock` }));
    return (await out.Body?.transformToString('utf8')) ?? '';
  }

  it('shows the DynamoDB + use_lockfile lock with Terraform exact ID, Who, Operation and Version, then drops it', async () => {
    const key = 'live/app/terraform.tfstate';
    const dir = new TerraformDir({ endpoint: motoEndpoint(), bucket, key, dynamodbTable: table, useLockfile: true, sleepSeconds: 5 });
    dirs.push(dir);
    await dir.init();

    const run = dir.startApply();
    runs.push(run);
    // Terraform writes the .tflock first, then the DynamoDB item: wait until both sides exist.
    const lock = await pollUntil(async () => (await listLocks(getBackend('dual'))).locks.find((l) => l.key === key && l.sources.length === 2), {
      timeoutMs: 30_000,
      what: `the apply's lock (output so far: ${run.output()})`,
    });

    const body = await readLockfile(key);
    const item = await w.ddb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: `${bucket}/${key}` } }, ConsistentRead: true }));
    // Terraform writes the same LockInfo JSON to both places.
    expect(item.Item?.Info?.S).toBe(body);
    const written = JSON.parse(body) as GoLockInfo;
    expect(written.Operation).toBe('OperationTypeApply');
    expect(written.Version).toBe(tf!.version);
    expect(written.Who).toBe(`${os.userInfo().username}@${os.hostname()}`);
    expect(written.Path).toBe(`${bucket}/${key}`);

    expect(lock).toMatchObject({
      id: written.ID,
      operation: written.Operation,
      info: '',
      who: written.Who,
      version: written.Version,
      created: written.Created,
      path: written.Path,
      workspace: 'default',
      sources: ['dynamodb', 's3'],
      stale: false,
      problems: [],
    });
    expect(lock.seen).toMatchObject({ dynamodbInfo: body, lockfileBody: body });

    const result = await run.exited;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const after = await listLocks(getBackend('dual'));
    expect(after.locks.filter((l) => l.key === key)).toEqual([]);
    expect(after.errors).toEqual([]);
  });

  it('shows a use_lockfile-only lock in a workspace under env:/ with its .tflock as the only source', async () => {
    const key = 'live/net/terraform.tfstate';
    const dir = new TerraformDir({ endpoint: motoEndpoint(), bucket, key, useLockfile: true, sleepSeconds: 4 });
    dirs.push(dir);
    await dir.init();
    await dir.workspace('new', 'staging');
    const stateKey = `env:/staging/${key}`;

    const run = dir.startApply();
    runs.push(run);
    const lock = await pollUntil(async () => (await listLocks(getBackend('files'))).locks.find((l) => l.key === stateKey), {
      timeoutMs: 30_000,
      what: `the workspace apply's lock (output so far: ${run.output()})`,
    });
    const written = JSON.parse(await readLockfile(stateKey)) as GoLockInfo;
    expect(lock).toMatchObject({
      id: written.ID,
      who: written.Who,
      operation: 'OperationTypeApply',
      version: tf!.version,
      created: written.Created,
      path: `${bucket}/${stateKey}`,
      workspace: 'staging',
      sources: ['s3'],
      problems: [],
    });

    const result = await run.exited;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect((await listLocks(getBackend('files'))).locks.filter((l) => l.key === stateKey)).toEqual([]);
  });
});
