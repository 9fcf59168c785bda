import { describe, expect, it } from 'vitest';
import { classifyMigrationState, summarizeMigration, type MigrationStateInput } from './lock-migration';

const backend = { hasTable: true, useLockfile: true, versioned: true };
const D = 'd41d8cd98f00b204e9800998ecf8427e';
function s(over: Partial<MigrationStateInput>): MigrationStateInput {
  return { key: 'k', lastModified: '2026-01-01T10:00:00Z', digestStatus: 'match', digest: D, liveLockSources: [], lockfileLastSeen: null, ...over };
}

describe('classifyMigrationState', () => {
  it('dynamodb-only: current digest, no .tflock since the last write', () => {
    expect(classifyMigrationState(s({}), backend)).toMatchObject({ mode: 'dynamodb-only', digest: 'current', leftover: null });
    expect(classifyMigrationState(s({ lockfileLastSeen: '2025-12-01T00:00:00Z' }), backend).mode).toBe('dynamodb-only');
  });
  it('dual: current digest and a .tflock cycle at or after the last write', () => {
    expect(classifyMigrationState(s({ lockfileLastSeen: '2026-01-01T10:00:01Z' }), backend)).toMatchObject({ mode: 'dual', leftover: null });
  });
  it('lockfile-only with a stale digest: a leftover, with what Terraform would do if the table came back', () => {
    const r = classifyMigrationState(s({ digestStatus: 'mismatch', lockfileLastSeen: '2026-01-01T10:00:01Z' }), backend);
    expect(r).toMatchObject({ mode: 'lockfile-only', digest: 'stale', leftover: { kind: 'stale_digest', digest: D } });
    expect(r.explanation).toContain('does not have the expected content');
  });
  it('lockfile-only and clean', () => {
    expect(classifyMigrationState(s({ digestStatus: 'missing', digest: null, lockfileLastSeen: '2026-01-01T10:00:01Z' }), backend)).toMatchObject({ mode: 'lockfile-only', leftover: null });
  });
  it('a live lock tells the mode directly', () => {
    expect(classifyMigrationState(s({ liveLockSources: ['dynamodb', 's3'] }), backend).mode).toBe('dual');
    expect(classifyMigrationState(s({ liveLockSources: ['s3'], digestStatus: 'mismatch' }), backend).mode).toBe('lockfile-only');
    expect(classifyMigrationState(s({ liveLockSources: ['dynamodb'] }), backend).mode).toBe('dynamodb-only');
  });
  it('an orphan digest is a leftover; a stale digest without any lock trace is unknown, not cleaned up', () => {
    expect(classifyMigrationState(s({ digestStatus: 'orphan', lastModified: null }), backend)).toMatchObject({ leftover: { kind: 'orphan_digest' } });
    expect(classifyMigrationState(s({ digestStatus: 'mismatch' }), backend)).toMatchObject({ mode: 'unknown', leftover: null });
  });
});

describe('summarizeMigration', () => {
  it('names the next step of the migration path', () => {
    const one = (o: Partial<MigrationStateInput>) => classifyMigrationState(s(o), backend);
    expect(summarizeMigration([one({}), one({ lockfileLastSeen: '2026-02-01T00:00:00Z' })], backend).advice).toMatch(/^Step 1/);
    expect(summarizeMigration([one({ lockfileLastSeen: '2026-02-01T00:00:00Z' })], backend).advice).toMatch(/^Step 2/);
    const stale = one({ digestStatus: 'mismatch', lockfileLastSeen: '2026-02-01T00:00:00Z' });
    expect(summarizeMigration([stale], backend)).toMatchObject({ leftovers: 1, counts: { 'lockfile-only': 1 } });
    expect(summarizeMigration([stale], backend).advice).toMatch(/^Step 3/);
    expect(summarizeMigration([one({ digestStatus: 'missing', digest: null, lockfileLastSeen: '2026-02-01T00:00:00Z' })], backend).advice).toMatch(/^Done/);
  });
});
