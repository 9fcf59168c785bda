/**
 * The real Terraform CLI against moto: after two applies with use_lockfile + a DynamoDB table, the
 * states listing reports `match`, the version list has the versions of both runs, and each version
 * is attributed to the lock (Who, Operation, ID) of the run that wrote it. Skipped (with a message)
 * where terraform >= 1.10 is not on PATH.
 */
import os from 'node:os';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { TERRAFORM_SKIP_REASON, TerraformDir, pollUntil, terraformInfo, type RunningTerraform } from '../../scripts/lib/terraform-cli';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { getBackend } from '../server/backends';
import { diffVersions } from './diff-versions';
import { listStates } from './list-states';
import { listVersions } from './list-versions';

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] lib/services/terraform-versions.int.test.ts: ${TERRAFORM_SKIP_REASON}`);

describe.skipIf(!tf)(`versions written by a real terraform (${tf?.version ?? 'absent'})`, () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('tf-versions');
  const table = uniqueName('tf-versions-locks');
  const key = 'apps/web/terraform.tfstate';
  let dir: TerraformDir;
  const runs: RunningTerraform[] = [];

  beforeAll(async () => {
    await w.createBucket(bucket);
    await w.createTable(table);
    useBackends([{ id: 'tf', bucket, dynamodbTable: table, useLockfile: true }]);
    dir = new TerraformDir({ endpoint: motoEndpoint(), bucket, key, dynamodbTable: table, useLockfile: true, sleepSeconds: 2, extraHcl: 'output "secret" {\n  value     = "tf-secret-${terraform_data.hold.id}"\n  sensitive = true\n}\n' });
    await dir.init();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(runs.map((r) => r.kill9()));
    dir?.cleanup();
    w.destroy();
  });

  /** Runs one apply and returns the ID of the lock it held (read from its .tflock while it runs). */
  async function applyAndCaptureLockId(): Promise<string> {
    const run = dir.startApply();
    runs.push(run);
    const id = await pollUntil(
      async () => {
        try {
          const out = await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${key}.tflock` }));
          return (JSON.parse((await out.Body?.transformToString('utf8')) ?? '{}') as { ID?: string }).ID;
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `the apply's .tflock (output so far: ${run.output()})` },
    );
    const result = await run.exited;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    return id;
  }

  it('attributes each version to the run that wrote it, and the digest matches', async () => {
    const first = await applyAndCaptureLockId();
    const second = await applyAndCaptureLockId();
    expect(first).not.toBe(second);

    const states = await listStates(getBackend('tf'));
    expect(states.states.find((s) => s.key === key)?.digestStatus).toBe('match');

    const { versions, versioning } = await listVersions(getBackend('tf'), key, { writers: true });
    expect(versioning).toBe('Enabled');
    expect(versions.length).toBeGreaterThanOrEqual(2);
    // `lock_likely`: a run released its lock and the next took one in the second of the write.
    for (const v of versions) expect(['lock', 'lock_likely']).toContain(v.attribution);
    expect(versions.every((v) => !v.deleteMarker)).toBe(true);
    const who = `${os.userInfo().username}@${os.hostname()}`;
    for (const v of versions) expect(v.writer).toMatchObject({ who, operation: 'OperationTypeApply', version: tf!.version });
    // Newest first: the latest version is the second run's, the oldest the first run's.
    expect(versions[0]!.writer?.id).toBe(second);
    expect(versions.at(-1)!.writer?.id).toBe(first);
    expect(new Set(versions.map((v) => v.writer?.id))).toEqual(new Set([first, second]));

    // The diff of the two runs masks the sensitive output Terraform wrote.
    const diff = await diffVersions(getBackend('tf'), key);
    expect(diff.comparable).toBe(true);
    expect(JSON.stringify(diff)).not.toContain('tf-secret-');
  }, 180_000);
});
