import { describe, expect, it } from 'vitest';
import { attributeVersions, CLOCK_TOLERANCE_MS, holderOf, lockVersionsToRead, lockWindows, withDigestEvidence, withRestoreRecord, type Attribution, type LockHolder, type VersionEntry } from './attribution';
import { marshalLockInfo } from './lock-info';

const T0 = Date.parse('2026-03-04T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function version(id: string, seconds: number, extra: Partial<VersionEntry> = {}): VersionEntry {
  return { versionId: id, lastModified: at(seconds), deleteMarker: false, ...extra };
}
function marker(id: string, seconds: number, extra: Partial<VersionEntry> = {}): VersionEntry {
  return { versionId: id, lastModified: at(seconds), deleteMarker: true, ...extra };
}
function body(id: string, who: string, operation = 'OperationTypeApply') {
  return marshalLockInfo({ id, operation, info: '', who, version: '1.11.4', created: at(0), path: 'b/k' });
}

describe('lock windows from a .tflock history', () => {
  it('pairs each lock version with the next entry as its release', () => {
    // Listed as S3 does: newest first, versions and delete markers in separate lists.
    const entries = [version('L2', 20), version('L1', 10), marker('D2', 25, { isLatest: true }), marker('D1', 12)];
    expect(lockWindows(entries)).toEqual([
      { lockVersionId: 'L1', acquiredMs: T0 + 10_000, releasedMs: T0 + 12_000 },
      { lockVersionId: 'L2', acquiredMs: T0 + 20_000, releasedMs: T0 + 25_000 },
    ]);
  });

  it('leaves the newest lock open while it is still held', () => {
    expect(lockWindows([version('L2', 20, { isLatest: true }), version('L1', 10), marker('D1', 12)]).at(-1)).toEqual({ lockVersionId: 'L2', acquiredMs: T0 + 20_000, releasedMs: null });
  });

  it('rebuilds same-second lock cycles in acquire/release order', () => {
    // Two full cycles inside second 10, then one in second 11 that is the latest.
    const entries = [version('L3', 11), version('L2', 10), version('L1', 10), marker('D3', 11, { isLatest: true }), marker('D2', 10), marker('D1', 10)];
    const windows = lockWindows(entries);
    expect(windows.map((w) => [w.lockVersionId, w.releasedMs === null ? null : (w.releasedMs - T0) / 1000])).toEqual([
      ['L1', 10],
      ['L2', 10],
      ['L3', 11],
    ]);
  });
});

describe('attributing state versions', () => {
  const locks = [version('L2', 100), version('L1', 10), marker('D2', 130, { isLatest: true }), marker('D1', 40)];
  const bodies = new Map([
    ['L1', body('id-1', 'alice@laptop')],
    ['L2', body('id-2', 'ci@runner', 'OperationTypeApply')],
  ]);

  it('attributes a version written inside a lock window to its holder', () => {
    const states = [version('S3', 200), version('S2', 120), version('S1', 20)];
    const result = attributeVersions(states, locks, bodies);
    expect(result.get('S1')).toEqual({ basis: 'lock', writer: { id: 'id-1', who: 'alice@laptop', operation: 'OperationTypeApply', version: '1.11.4', created: at(0), lockVersionId: 'L1' } });
    expect(result.get('S2')?.writer?.who).toBe('ci@runner');
    expect(result.get('S3')).toEqual({ writer: null, basis: 'none' });
  });

  it('counts the window ends as inside (whole-second timestamps)', () => {
    const result = attributeVersions([version('A', 10), version('B', 40)], locks, bodies);
    expect(result.get('A')?.basis).toBe('lock');
    expect(result.get('B')?.writer?.id).toBe('id-1');
  });

  it('accepts a version just outside a window within the clock tolerance, and says so', () => {
    const result = attributeVersions([version('N', 41), version('F', 40 + CLOCK_TOLERANCE_MS / 1000 + 1)], locks, bodies);
    expect(result.get('N')).toMatchObject({ basis: 'lock_nearby', writer: { id: 'id-1' } });
    expect(result.get('F')).toEqual({ writer: null, basis: 'none' });
  });

  it('prefers the window that contains the version over a nearby one', () => {
    const tight = [version('L2', 41), version('L1', 10), marker('D2', 50, { isLatest: true }), marker('D1', 40)];
    const result = attributeVersions([version('S', 40)], tight, bodies);
    expect(result.get('S')?.writer?.id).toBe('id-1');
  });

  it('says ambiguous when two locks share the second of the write', () => {
    const same = [version('L2', 10), version('L1', 10), marker('D2', 10, { isLatest: true }), marker('D1', 10)];
    const result = attributeVersions([version('S', 10)], same, bodies);
    expect(result.get('S')).toEqual({ writer: null, basis: 'ambiguous' });
  });

  it('attributes to a lock that is still held', () => {
    const held = [version('L1', 10, { isLatest: true })];
    expect(attributeVersions([version('S', 5000)], held, bodies).get('S')?.writer?.who).toBe('alice@laptop');
  });

  it('is unknown without any lock history, or when the lock body is unreadable', () => {
    expect(attributeVersions([version('S', 20)], [], bodies).get('S')).toEqual({ writer: null, basis: 'none' });
    expect(attributeVersions([version('S', 20)], locks, new Map([['L1', '{broken']])).get('S')).toEqual({ writer: null, basis: 'unreadable' });
    expect(attributeVersions([version('S', 20)], locks, new Map()).get('S')).toEqual({ writer: null, basis: 'unreadable' });
    expect(attributeVersions([{ versionId: 'S', lastModified: null, deleteMarker: false }], locks, bodies).get('S')?.basis).toBe('none');
  });

  it('reads only the lock bodies that can attribute a version', () => {
    const many = [version('L3', 300), version('L2', 100), version('L1', 10), marker('D3', 310, { isLatest: true }), marker('D2', 130), marker('D1', 40)];
    expect(lockVersionsToRead([version('S', 120)], many)).toEqual(['L2']);
    expect(lockVersionsToRead([], many)).toEqual([]);
  });

  it('scales to thousands of versions', () => {
    const lockEntries: VersionEntry[] = [];
    const stateEntries: VersionEntry[] = [];
    const all = new Map<string, string>();
    for (let i = 0; i < 5000; i++) {
      lockEntries.push(version(`L${i}`, i * 10), marker(`D${i}`, i * 10 + 4));
      stateEntries.push(version(`S${i}`, i * 10 + 2));
      all.set(`L${i}`, body(`id-${i}`, `u${i}@h`));
    }
    const result = attributeVersions(stateEntries, lockEntries, all);
    expect(result.get('S4321')?.writer?.who).toBe('u4321@h');
    expect(lockVersionsToRead(stateEntries, lockEntries)).toHaveLength(5000);
  });

  it('parses holders leniently', () => {
    expect(holderOf('v', body('x', 'w'))?.id).toBe('x');
    expect(holderOf('v', '{"ID":""}')).toBeNull();
    expect(holderOf('v', null)).toBeNull();
  });
});

describe('writes in a second shared by two locks', () => {
  const bodies = new Map([
    ['L1', body('id-1', 'alice@laptop', 'OperationTypeApply')],
    ['L2', body('id-2', 'bob@ci', 'OperationTypeApply')],
    ['P', body('id-p', 'carol@desk', 'OperationTypePlan')],
  ]);

  it('gives the write to the run releasing in that second, not to the one starting in it', () => {
    // L1 [10, 13], L2 [13, 15]: Terraform writes right before unlocking, so the write at 13 is L1's.
    const locks = [version('L2', 13), version('L1', 10), marker('D2', 15, { isLatest: true }), marker('D1', 13)];
    const result = attributeVersions([version('S2', 15), version('S1', 13)], locks, bodies);
    expect(result.get('S1')).toMatchObject({ basis: 'lock_likely', writer: { id: 'id-1' } });
    expect(result.get('S2')).toMatchObject({ basis: 'lock', writer: { id: 'id-2' } });
    expect(lockVersionsToRead([version('S1', 13)], locks).sort()).toEqual(['L1', 'L2']);
  });

  it('rules out a plan, which never writes the state', () => {
    const locks = [version('L1', 13), version('P', 10), marker('D1', 15, { isLatest: true }), marker('DP', 13)];
    expect(attributeVersions([version('S', 13)], locks, bodies).get('S')).toMatchObject({ basis: 'lock_likely', writer: { id: 'id-1' } });
  });

  it('stays ambiguous when the later lock was also released within that second', () => {
    const locks = [version('L2', 13), version('L1', 10), marker('D2', 13, { isLatest: true }), marker('D1', 13)];
    expect(attributeVersions([version('S', 13)], locks, bodies).get('S')).toEqual({ writer: null, basis: 'ambiguous' });
  });
});

describe('writes with no lock held, delete markers and Lockboard restores', () => {
  // L1 [10, 40], L2 [100, 130].
  const locks = [version('L2', 100), version('L1', 10), marker('D2', 130, { isLatest: true }), marker('D1', 40)];
  const bodies = new Map([
    ['L1', body('id-1', 'alice@laptop')],
    ['L2', body('id-2', 'ci@runner')],
  ]);

  it('says no lock was held for a write inside the .tflock history of a lock-file backend, never guessing a holder', () => {
    const result = attributeVersions([version('GAP', 70), version('AFTER', 200), version('BEFORE', 5)], locks, bodies, { lockfileLocking: true });
    expect(result.get('GAP')).toEqual({ writer: null, basis: 'no_lock_held' });
    expect(result.get('AFTER')).toEqual({ writer: null, basis: 'no_lock_held' });
    // Before the oldest entry kept, the history says nothing.
    expect(result.get('BEFORE')).toEqual({ writer: null, basis: 'none' });
  });

  it('stays unknown in a gap when the backend does not lock with lock files (a DynamoDB lock leaves no history)', () => {
    expect(attributeVersions([version('GAP', 70)], locks, bodies).get('GAP')).toEqual({ writer: null, basis: 'none' });
    expect(attributeVersions([version('GAP', 70)], [], bodies, { lockfileLocking: true }).get('GAP')).toEqual({ writer: null, basis: 'none' });
  });

  it('still prefers a nearby lock over "no lock held"', () => {
    expect(attributeVersions([version('N', 41)], locks, bodies, { lockfileLocking: true }).get('N')).toMatchObject({ basis: 'lock_nearby', writer: { id: 'id-1' } });
  });

  it('gives a delete marker no writer, even inside a lock window, and reads no lock body for it', () => {
    const result = attributeVersions([marker('DM', 20)], locks, bodies, { lockfileLocking: true });
    expect(result.get('DM')).toEqual({ writer: null, basis: 'delete_marker' });
    expect(lockVersionsToRead([marker('DM', 20)], locks)).toEqual([]);
  });

  it('names the operator of a Lockboard restore, keeping its own lock when the history found it', () => {
    const byLock: Attribution = { basis: 'lock', writer: { id: 'lb-lock', who: 'bob@example.com@lockboard', operation: 'lockboard-restore', version: '0.1.0', created: at(0), lockVersionId: 'L9' } };
    expect(withRestoreRecord(byLock, { from: 'v1', by: 'bob@example.com', lockId: 'lb-lock' })).toEqual({ basis: 'lockboard_restore', writer: { ...byLock.writer, who: 'bob@example.com' } });
    // No lock history (DynamoDB-only): the metadata alone names the operator.
    expect(withRestoreRecord({ writer: null, basis: 'none' }, { from: 'v1', by: 'bob@example.com', lockId: 'lb-lock' })).toEqual({
      basis: 'lockboard_restore',
      writer: { id: 'lb-lock', who: 'bob@example.com', operation: 'lockboard-restore', version: '', created: '', lockVersionId: '' },
    });
    // Another lock than Lockboard's: its holder is not mixed into the restore's writer.
    expect(withRestoreRecord({ basis: 'lock', writer: { ...byLock.writer!, id: 'other' } }, { from: 'v1', by: 'bob', lockId: 'lb-lock' }).writer).toMatchObject({ id: 'lb-lock', who: 'bob', lockVersionId: '' });
  });

  it('leaves the attribution alone without a restore record, or for a restore that did not record its operator', () => {
    const a: Attribution = { writer: null, basis: 'no_lock_held' };
    expect(withRestoreRecord(a, null)).toBe(a);
    expect(withRestoreRecord(a, { from: 'v1', by: null, lockId: 'x' })).toBe(a);
    expect(withRestoreRecord({ writer: null, basis: 'delete_marker' }, { from: 'v1', by: 'bob', lockId: 'x' }).basis).toBe('delete_marker');
  });
});

describe('withDigestEvidence', () => {
  const holder: LockHolder = { id: 'L', who: 'runner@ci', operation: 'OperationTypeApply', version: '1.11.4', created: '', lockVersionId: 'lv1' };
  const current = { etag: 'e-current', deleteMarker: false };
  const fails = { etag: 'e-current', fails: true };

  it('credits no lock holder for the content that fails the recorded digest, naming the holder apart', () => {
    for (const basis of ['lock', 'lock_likely', 'lock_nearby'] as const) {
      expect(withDigestEvidence(current, { writer: holder, basis }, fails)).toEqual({ writer: null, basis: 'digest_mismatch', heldBy: holder, lockBasis: basis });
    }
    for (const basis of ['ambiguous', 'unreadable', 'none', 'no_lock_held'] as const) {
      expect(withDigestEvidence(current, { writer: null, basis }, fails)).toEqual({ writer: null, basis: 'digest_mismatch', heldBy: null, lockBasis: basis });
    }
  });

  it('covers only the content the digest was compared with: other versions keep the lock history', () => {
    const older = { etag: 'e-older', deleteMarker: false };
    const byLock: Attribution = { writer: holder, basis: 'lock_nearby' };
    expect(withDigestEvidence(older, byLock, fails)).toBe(byLock);
    expect(withDigestEvidence(current, byLock, { etag: 'e-current', fails: false })).toBe(byLock);
    expect(withDigestEvidence(current, byLock, { etag: null, fails: true })).toBe(byLock);
    expect(withDigestEvidence(current, byLock, null)).toBe(byLock);
  });

  it('leaves a delete marker and a Lockboard restore (named by its own metadata) as they are', () => {
    const marker: Attribution = { writer: null, basis: 'delete_marker' };
    expect(withDigestEvidence({ etag: 'e-current', deleteMarker: true }, marker, fails)).toBe(marker);
    const restore: Attribution = { writer: { ...holder, who: 'bob' }, basis: 'lockboard_restore' };
    expect(withDigestEvidence(current, restore, fails)).toBe(restore);
  });
});
