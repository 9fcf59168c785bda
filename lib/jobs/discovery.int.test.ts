/**
 * The discovery job as instrumentation starts it: decisions read, a first run at once, the next one
 * scheduled an interval after it started; the progress says so. (The runs themselves:
 * lib/services/discovery.int.test.ts.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { discoveryProgress, lastRun, resetDiscoveryForTests } from '../services/discovery';
import { resetDecisionsForTests } from '../services/discovery-decisions';
import { MemberAccount, memberCredentials } from '../testing/discovery-org';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { startDiscovery, stopDiscoveryForTests } from './discovery';

afterAll(() => {
  stopDiscoveryForTests();
  resetDiscoveryForTests();
});

describe('the discovery job', () => {
  it('runs at start-up and schedules the next run intervalMinutes after the first started', async () => {
    const run = uniqueName('job').toLowerCase().slice(0, 18);
    // Accounts outside the organisation (moto assumes roles into any account ID): the org-wide test
    // (lib/services/discovery.int.test.ts) must see exactly its own accounts.
    const accounts = [0, 1].map(() => String(100_000_000_000 + Math.floor(Math.random() * 800_000_000_000)));
    for (const [i, id] of accounts.entries()) {
      const member = new MemberAccount(motoEndpoint(), id, await memberCredentials(motoEndpoint(), id), 'us-east-1');
      await member.bucket(`${run}-${i}`);
      await member.lockTable('tf-locks');
      await member.state(`${run}-${i}`, 'app/terraform.tfstate', 'tf-locks');
      member.destroy();
    }
    const w = new TerraformWriter();
    await w.createBucket(`${run}-audit`);
    w.destroy();
    useBackends([{ id: 'main', bucket: `${run}-audit` }], { auditBucket: `${run}-audit`, discovery: { accounts, regions: ['us-east-1'], forcePathStyle: true, intervalMinutes: 30 } });
    resetDiscoveryForTests();
    resetDecisionsForTests();
    expect(discoveryProgress().state).toBe('waiting');
    const startedAt = Date.now();
    startDiscovery();
    await expect.poll(() => discoveryProgress().state, { timeout: 30_000, interval: 200 }).toBe('idle');
    const progress = discoveryProgress();
    expect(progress).toMatchObject({ accountsDone: 2, accountsTotal: 2 });
    expect(lastRun()!.backends.map((b) => b.bucket).sort()).toEqual([`${run}-0`, `${run}-1`]);
    const next = Date.parse(progress.nextRunAt!);
    expect(next).toBeGreaterThanOrEqual(startedAt + 30 * 60_000 - 1_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
  }, 120_000);
});
