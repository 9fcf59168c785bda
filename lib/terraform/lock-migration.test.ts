import { describe, expect, it } from 'vitest';
import { classifyMigrationState, summarizeMigration, type MigrationStateInput } from './lock-migration';

const backend = { hasTable: true, useLockfile: true, versioned: true };
const D = 'd41d8cd98f00b204e9800998ecf8427e';
function s(over: Partial<MigrationStateInput>): MigrationStateInput {
  return { key: 'k', lastModified: '2026-01-01T10:00:00Z', digestStatus: 'match', digest: D, liveLockSources: [], lockfileLastSeen: null, ...over };
}

describe('classifyMigrationState', () => {
  it('dynamodb-only: current digest, no .tflock since the last write', () => {
    expect(classifyMigrationState(s({}), backend)).toMatchObject({ mode: 'dynamodb-only', digest: 'current', leftover: null, needsRepair: false });
    expect(classifyMigrationState(s({ lockfileLastSeen: '2025-12-01T00:00:00Z' }), backend).mode).toBe('dynamodb-only');
  });
  it('dual: current digest and a .tflock cycle at or after the last write', () => {
    expect(classifyMigrationState(s({ lockfileLastSeen: '2026-01-01T10:00:01Z' }), backend)).toMatchObject({ mode: 'dual', leftover: null });
  });
  it('a mismatching digest after a .tflock cycle is a mismatch to repair on the state page, never a leftover to delete', () => {
    // What the demo's hand-edited state looks like: a dual-mode run, then a PutObject by hand within the second.
    const r = classifyMigrationState(s({ digestStatus: 'mismatch', lockfileLastSeen: '2026-01-01T09:59:59.500Z' }), backend);
    expect(r).toMatchObject({ mode: 'lockfile-only', digest: 'mismatch', leftover: null, needsRepair: true });
    expect(r.explanation).toContain('does not have the expected content');
    expect(r.explanation).toContain("Open the state's page");
    expect(r.explanation).not.toMatch(/left behind|Clean-up/);
  });
  it('a live lock with a mismatching digest does not claim the digest is current', () => {
    const r = classifyMigrationState(s({ digestStatus: 'mismatch', liveLockSources: ['dynamodb'] }), backend);
    expect(r).toMatchObject({ mode: 'dynamodb-only', needsRepair: true, leftover: null });
    expect(r.explanation).not.toContain('current');
    expect(r.explanation).toContain('does not match');
  });
  it('lockfile-only and clean; an unverified digest is said to be unchecked, not "nothing left"', () => {
    expect(classifyMigrationState(s({ digestStatus: 'missing', digest: null, lockfileLastSeen: '2026-01-01T10:00:01Z' }), backend)).toMatchObject({ mode: 'lockfile-only', leftover: null, needsRepair: false });
    expect(classifyMigrationState(s({ digestStatus: 'unverified', lockfileLastSeen: '2026-01-01T10:00:01Z' }), backend).explanation).toContain('could not be checked');
  });
  it('a live lock tells the mode directly', () => {
    expect(classifyMigrationState(s({ liveLockSources: ['dynamodb', 's3'] }), backend).mode).toBe('dual');
    expect(classifyMigrationState(s({ liveLockSources: ['s3'], digestStatus: 'mismatch' }), backend).mode).toBe('lockfile-only');
    expect(classifyMigrationState(s({ liveLockSources: ['dynamodb'] }), backend).mode).toBe('dynamodb-only');
  });
  it('an orphan digest (no state object) is the one leftover; a mismatch without any lock trace is unknown and sent to repair', () => {
    expect(classifyMigrationState(s({ digestStatus: 'orphan', lastModified: null }), backend)).toMatchObject({ leftover: { kind: 'orphan_digest', digest: D }, needsRepair: false });
    expect(classifyMigrationState(s({ digestStatus: 'mismatch' }), backend)).toMatchObject({ mode: 'unknown', leftover: null, needsRepair: true });
  });
});

describe('a state whose .tflock history is still being read', () => {
  it('claims no mode from missing traces (a current digest would otherwise read as "DynamoDB only")', () => {
    const r = classifyMigrationState(s({ historyPending: true }), backend);
    expect(r).toMatchObject({ mode: 'unknown', historyPending: true, leftover: null });
    expect(r.explanation).toMatch(/not known yet/);
  });
  it('still shows a mismatch to repair, and a live lock still names its mode', () => {
    const mismatch = classifyMigrationState(s({ historyPending: true, digestStatus: 'mismatch' }), backend);
    expect(mismatch).toMatchObject({ mode: 'unknown', needsRepair: true, historyPending: true });
    expect(mismatch.explanation).toContain("Open the state's page");
    expect(classifyMigrationState(s({ historyPending: true, liveLockSources: ['dynamodb', 's3'] }), backend)).toMatchObject({ mode: 'dual', historyPending: false });
  });
  it('makes the advice say the modes are not final, and never "done"', () => {
    const clean = classifyMigrationState(s({ digestStatus: 'missing', digest: null, lockfileLastSeen: '2026-02-01T00:00:00Z' }), backend);
    const pending = classifyMigrationState(s({ key: 'p', historyPending: true }), backend);
    const summary = summarizeMigration([clean, pending], backend);
    expect(summary.pending).toBe(1);
    expect(summary.advice).toMatch(/^Still reading the \.tflock history of 1 of 2 state\(s\)/);
    expect(summary.advice).not.toMatch(/Done/);
    expect(summarizeMigration([classifyMigrationState(s({}), backend), pending], backend).advice).toMatch(/^Still reading .* Step 1/);
  });
});

describe('summarizeMigration', () => {
  const one = (o: Partial<MigrationStateInput>) => classifyMigrationState(s(o), backend);
  it('names the next step of the migration path', () => {
    expect(summarizeMigration([one({}), one({ lockfileLastSeen: '2026-02-01T00:00:00Z' })], backend).advice).toMatch(/^Step 1/);
    expect(summarizeMigration([one({ lockfileLastSeen: '2026-02-01T00:00:00Z' })], backend).advice).toMatch(/^Step 2/);
    const orphan = one({ digestStatus: 'orphan', lastModified: null });
    const clean = one({ digestStatus: 'missing', digest: null, lockfileLastSeen: '2026-02-01T00:00:00Z' });
    expect(summarizeMigration([clean, orphan], backend)).toMatchObject({ leftovers: 1, mismatches: 0 });
    expect(summarizeMigration([clean, orphan], backend).advice).toMatch(/^Step 3: .*1 digest item\(s\) of deleted states .*clean them up here/);
    expect(summarizeMigration([clean], backend).advice).toMatch(/^Done/);
  });
  it('counts mismatches apart from leftovers and sends them to their state pages at every step', () => {
    const mismatch = one({ digestStatus: 'mismatch', lockfileLastSeen: '2026-02-01T00:00:00Z' });
    const step3 = summarizeMigration([mismatch], backend);
    expect(step3).toMatchObject({ leftovers: 0, mismatches: 1, counts: { 'lockfile-only': 1 } });
    expect(step3.advice).toMatch(/^Step 3/);
    expect(step3.advice).toContain('repair each from its state page');
    expect(step3.advice).not.toMatch(/clean (them|it) up/);
    expect(summarizeMigration([one({}), mismatch], backend).advice).toMatch(/^Step 1.*1 state\(s\) fail their digest check/);
  });
});
