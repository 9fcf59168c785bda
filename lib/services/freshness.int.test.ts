/**
 * The freshness contract with the real Terraform CLI: while someone views a backend, a lock taken by
 * `terraform apply` appears in GET /locks, and disappears after the apply, within the watch interval
 * plus the time of one read; the state the apply wrote appears in GET /states as soon. "When it
 * happened" is what AWS itself says, polled directly (consistent reads) next to the viewer.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as locksGet } from '@/app/api/backends/[id]/locks/route';
import { GET as statesGet } from '@/app/api/backends/[id]/states/route';
import { clearCache } from '../server/cache';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { TERRAFORM_SKIP_REASON, TerraformDir, terraformInfo, type RunningTerraform } from '../../scripts/lib/terraform-cli';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { snapshotWatchers } from '../services/backend-snapshot';

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] lib/services/freshness.int.test.ts: ${TERRAFORM_SKIP_REASON}`);

const INTERVAL_S = 2;
/** Generous bound of one read of this small backend on a loaded machine. */
const READ_BOUND_MS = 1500;
const VIEWER_POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seen {
  at: number;
  fetchedAt: number;
  locked: boolean;
  stateListed: boolean;
}

describe.skipIf(!tf)(`freshness with a real terraform apply (${tf?.version ?? 'absent'})`, () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('fresh');
  const table = uniqueName('freshtable');
  const runs: RunningTerraform[] = [];
  const dirs: TerraformDir[] = [];

  beforeAll(async () => {
    await w.createBucket(bucket);
    await w.createTable(table);
    useBackends([{ id: 'fresh', bucket, dynamodbTable: table, useLockfile: true }], { watchIntervalSeconds: INTERVAL_S, pollIntervalSeconds: 1 });
  });

  afterAll(async () => {
    await Promise.all(runs.map((r) => r.kill9()));
    dirs.forEach((d) => d.cleanup());
    clearCache(); // stops the watcher
    w.destroy();
  });

  it('shows the apply lock and the new state within interval + one read, and drops the lock as soon', async () => {
    const key = 'svc/fresh/terraform.tfstate';
    const dir = new TerraformDir({ endpoint: motoEndpoint(), bucket, key, dynamodbTable: table, useLockfile: true, sleepSeconds: 5 });
    dirs.push(dir);
    await dir.init();

    const params = { params: Promise.resolve({ id: 'fresh' }) };
    const seen: Seen[] = [];
    const truth: Array<{ at: number; locked: boolean; stateExists: boolean }> = [];
    let stop = false;

    const viewer = (async () => {
      while (!stop) {
        const [locksRes, statesRes] = await Promise.all([locksGet(new Request('http://localhost/api/backends/fresh/locks'), params), statesGet(new Request('http://localhost/api/backends/fresh/states'), params)]);
        const at = Date.now();
        const locks = (await locksRes.json()) as { locks: Array<{ key: string }>; fetchedAt: string };
        const states = (await statesRes.json()) as { states: Array<{ key: string }>; fetchedAt: string };
        expect(locksRes.status).toBe(200);
        expect(statesRes.status).toBe(200);
        seen.push({ at, fetchedAt: Math.min(Date.parse(locks.fetchedAt), Date.parse(states.fetchedAt)), locked: locks.locks.some((l) => l.key === key), stateListed: states.states.some((s) => s.key === key) });
        await sleep(VIEWER_POLL_MS);
      }
    })();
    const observer = (async () => {
      while (!stop) {
        const item = await w.ddb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: `${bucket}/${key}` } }, ConsistentRead: true }));
        const stateExists = await w.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
          () => true,
          () => false,
        );
        truth.push({ at: Date.now(), locked: item.Item !== undefined, stateExists });
        await sleep(100);
      }
    })();

    const run = dir.startApply();
    runs.push(run);
    const result = await run.exited;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await sleep((INTERVAL_S * 1000 + READ_BOUND_MS) * 1.5);
    stop = true;
    await Promise.all([viewer, observer]);

    const bound = INTERVAL_S * 1000 + READ_BOUND_MS + VIEWER_POLL_MS;
    const lockedAt = truth.find((t) => t.locked)?.at;
    const unlockedAt = truth.find((t) => lockedAt !== undefined && t.at > lockedAt && !t.locked)?.at;
    const stateAt = truth.find((t) => t.stateExists)?.at;
    expect(lockedAt, 'the apply took a lock').toBeDefined();
    expect(unlockedAt, 'the apply released its lock').toBeDefined();
    expect(stateAt, 'the apply wrote its state').toBeDefined();

    const shownAt = seen.find((s) => s.at > lockedAt! - 100 && s.locked)?.at;
    const goneAt = seen.find((s) => s.at > unlockedAt! && !s.locked)?.at;
    const listedAt = seen.find((s) => s.at > stateAt! - 100 && s.stateListed)?.at;
    expect(shownAt, 'GET /locks showed the lock').toBeDefined();
    expect(goneAt, 'GET /locks dropped the lock').toBeDefined();
    expect(listedAt, 'GET /states listed the new state').toBeDefined();
    console.log(`[freshness] lock shown after ${shownAt! - lockedAt!} ms, dropped after ${goneAt! - unlockedAt!} ms, state listed after ${listedAt! - stateAt!} ms (bound ${bound} ms)`);
    expect(shownAt! - lockedAt!).toBeLessThanOrEqual(bound);
    expect(goneAt! - unlockedAt!).toBeLessThanOrEqual(bound);
    expect(listedAt! - stateAt!).toBeLessThanOrEqual(bound);
    // No answer carried a listing older than the interval plus one read.
    const oldest = Math.max(...seen.map((s) => s.at - s.fetchedAt));
    expect(oldest).toBeLessThanOrEqual(INTERVAL_S * 1000 + READ_BOUND_MS);
    // One watcher, about one read per interval while viewed (not one per request).
    const watcher = snapshotWatchers().get('fresh')!;
    const seconds = (seen.at(-1)!.at - seen[0]!.at) / 1000;
    expect(watcher.reads).toBeLessThanOrEqual(Math.ceil(seconds / (INTERVAL_S / 2)) + 2);
    expect(seen.length).toBeGreaterThan(watcher.reads);
  });
});
