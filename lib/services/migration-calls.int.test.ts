/**
 * The migration view's AWS calls with ten viewers (moto, call counts from the SDK middleware): each
 * state's `.tflock` history is listed once and shared, not once per viewer and request; it is listed
 * again when what it depends on changes (the state was written, a `.tflock` appeared).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MigrationResponse } from '../api/migration';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { invalidateSnapshot } from './backend-snapshot';
import { clearCache } from '../server/cache';
import { getBackend } from '../server/backends';
import { migrationReport } from './migration';
import { useBackends } from '../testing/integration-env';
import { settledMigrationReport } from '../testing/migration-report';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
const bucket = uniqueName('migcalls');
const table = uniqueName('migcallstable');
const STATES = 15;
const VIEWERS = 10;
const keyOf = (i: number) => `team-${i}/terraform.tfstate`;

const view = () => settledMigrationReport('main');

/** Every viewer's page polls: `rounds` polls of VIEWERS viewers at once. */
async function viewers(rounds: number): Promise<MigrationResponse[]> {
  const answers: MigrationResponse[] = [];
  for (let r = 0; r < rounds; r++) answers.push(...(await Promise.all(Array.from({ length: VIEWERS }, view))));
  return answers;
}

const calls = () => Object.values(awsCallCounts()).reduce((a, b) => a + b, 0);

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createTable(table);
  for (let i = 0; i < STATES; i++) await w.putState(bucket, keyOf(i), stateDocument({ serial: 1, lineage: `l${i}` }), table);
  // The listing is shared by the watcher: one read per interval, as in production.
  useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: true, scanSegments: 1 }], { watchIntervalSeconds: 300 });
});

afterAll(() => w.destroy());

describe(`the migration view with ${VIEWERS} viewers`, () => {
  it('lists each state’s .tflock history once, whatever the number of viewers and polls', async () => {
    resetAwsCallCounts();
    const answers = await viewers(3);
    expect(answers.every((a) => a.states.length === STATES)).toBe(true);
    const counts = awsCallCounts();
    expect(counts['s3:ListObjectVersions']).toBe(STATES);
    expect(counts['s3:GetBucketVersioning']).toBe(1);
    // Plus the one shared backend read (one Scan, one listing).
    expect(calls()).toBe(STATES + 1 + 2);
  });

  it('lists again only the state that was written, and one whose .tflock appeared', async () => {
    await w.putState(bucket, keyOf(0), stateDocument({ serial: 2, lineage: 'l0' }), table);
    await w.lockFile(bucket, keyOf(1), TerraformWriter.lockInfo(bucket, keyOf(1)));
    // A new backend read (as after the watcher's next interval).
    invalidateSnapshot('main');
    resetAwsCallCounts();
    const answers = await viewers(2);
    expect(awsCallCounts()['s3:ListObjectVersions']).toBe(2);
    const locked = answers[0]!.states.find((s) => s.key === keyOf(1))!;
    expect(locked.lockfileLastSeen).not.toBeNull();
    await w.unlockFile(bucket, keyOf(1));
  });

  it('answers with what is read so far while the histories are read, then with every state, without reading any twice', async () => {
    clearCache();
    invalidateSnapshot('main');
    resetAwsCallCounts();
    // No wait: the first answer comes before any history is read, and claims no mode for those states.
    const first = await migrationReport(getBackend('main'), 0);
    expect(first.summary.pending).toBe(STATES);
    expect(first.states.every((s) => s.historyPending && s.mode === 'unknown')).toBe(true);
    expect(first.states[0]!.explanation).toMatch(/not known yet/);
    expect(first.summary.advice).toMatch(new RegExp(`^Still reading the \\.tflock history of ${STATES} of ${STATES}`));
    // The pass goes on after that answer: later answers fill in, from the same reads.
    let last = first;
    for (let i = 0; i < 40 && last.summary.pending > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      last = await migrationReport(getBackend('main'), 0);
    }
    expect(last.summary.pending).toBe(0);
    expect(last.states.some((s) => s.historyPending)).toBe(false);
    expect(last.summary.counts.unknown).toBe(0);
    expect(awsCallCounts()['s3:ListObjectVersions']).toBe(STATES);
  });
});
