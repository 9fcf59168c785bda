import { describe, expect, it } from 'vitest';
import { auditFolder, auditKeyMayMatch, auditObjectKey, compareAuditRecords, encodeUserText, matchesAuditFilter, parseAuditRecord, tagOfAuditKey, timeOfAuditKey, type AuditRecord } from './audit-record';

const record: AuditRecord = {
  id: 'r1',
  time: '2026-01-05T10:15:30.123Z',
  completedAt: null,
  user: 'Alice@example.com',
  anonymous: false,
  backend: 'main',
  key: 'app/terraform.tfstate',
  action: 'force-unlock',
  reason: 'stale',
  seen: { id: 'x' },
  outcome: 'pending',
  errorCode: null,
  errorMessage: null,
  details: null,
};

describe('audit keys', () => {
  it('sort newest first in S3 (lexicographic ascending) order', () => {
    const times = [Date.UTC(2024, 0, 1), Date.UTC(2026, 5, 1, 12), Date.UTC(2026, 5, 1, 12, 0, 0, 1), Date.UTC(2030, 0, 1), 5];
    const keys = times.map((t, i) => auditObjectKey('lockboard-audit/', 'main', t, `id${i}`));
    const listed = [...keys].sort(); // what ListObjectsV2 returns
    expect(listed.map(timeOfAuditKey)).toEqual([...times].sort((a, b) => b - a));
  });

  it('puts each backend in its own folder and round-trips the time', () => {
    const t = Date.UTC(2026, 0, 5, 10, 15, 30, 123);
    const key = auditObjectKey('lockboard-audit/', 'main', t, 'abc');
    expect(key).toBe(`lockboard-audit/main/${9_999_999_999_999 - t}-20260105T101530123Z-abc.json`);
    expect(timeOfAuditKey(key)).toBe(t);
    expect(auditFolder('audit', 'b')).toBe('audit/b/');
    expect(auditFolder('', 'b')).toBe('b/');
    expect(timeOfAuditKey('lockboard-audit/main/notes.txt')).toBeNull();
  });
});

describe('user and key in the object key', () => {
  const t = Date.UTC(2026, 0, 5, 10, 15, 30, 123);
  const key = (user: string, stateKey: string | null, action: 'download' | 'restore' = 'download') => auditObjectKey('lockboard-audit/', 'main', t, '0f8fad5b-d9cb-469f-a165-70867728950e', { action, kind: 'attempt', user, key: stateKey });

  it('encodes the lowercased user ([a-z0-9] kept, other bytes _xx) and a key hash', () => {
    const k = key('Alice@Example.com', 'prod/db/terraform.tfstate');
    expect(k).toMatch(/-download-attempt-ualice_40example_2ecom\.k[0-9a-f]{12}-0f8fad5b-d9cb-469f-a165-70867728950e\.json$/);
    expect(tagOfAuditKey(k)).toMatchObject({ action: 'download', kind: 'attempt', user: { code: 'alice_40example_2ecom', cut: false } });
    expect(timeOfAuditKey(k)).toBe(t);
    expect(key('ci-bot', null)).toContain('-uci_2dbot.knone-');
  });

  it('lets user (substring, any case) and key filters skip other records unread', () => {
    const bot = key('ci-bot@example.com', 'app/terraform.tfstate');
    const alice = key('Alice@Example.com', 'prod/db/terraform.tfstate', 'restore');
    expect(auditKeyMayMatch(bot, { user: 'alice' })).toBe(false);
    expect(auditKeyMayMatch(alice, { user: 'alice' })).toBe(true);
    expect(auditKeyMayMatch(alice, { user: 'E@EXAMPLE.C' })).toBe(true);
    expect(auditKeyMayMatch(bot, { key: 'prod/db/terraform.tfstate' })).toBe(false);
    expect(auditKeyMayMatch(alice, { key: 'prod/db/terraform.tfstate' })).toBe(true);
    expect(auditKeyMayMatch(key('x', null), { key: 'prod/db/terraform.tfstate' })).toBe(false);
    expect(auditKeyMayMatch(alice, { user: 'alice', action: 'download' })).toBe(false);
  });

  it('keeps substrings of non-ASCII users', () => {
    const k = key('Jürgen Müller', null);
    expect(auditKeyMayMatch(k, { user: 'MÜLL' })).toBe(true);
    expect(auditKeyMayMatch(k, { user: 'mül l' })).toBe(false);
    expect(encodeUserText('ü')).toBe('_c3_bc');
  });

  it('marks a long user as cut, which may match any user filter', () => {
    const k = key(`${'x'.repeat(200)}@example.com`, null);
    expect(tagOfAuditKey(k)?.user).toEqual({ code: 'x'.repeat(96), cut: true });
    expect(auditKeyMayMatch(k, { user: 'example' })).toBe(true);
    const underscores = key('@'.repeat(100), null);
    expect(tagOfAuditKey(underscores)?.user?.code).toBe('_40'.repeat(32));
  });

  it('reads keys of the two earlier schemes as "may match" for user and key', () => {
    const old = auditObjectKey('lockboard-audit/', 'main', t, 'abc');
    const tagged = auditObjectKey('lockboard-audit/', 'main', t, 'abc', { action: 'download', kind: 'attempt' });
    for (const k of [old, tagged]) {
      expect(auditKeyMayMatch(k, { user: 'alice' })).toBe(true);
      expect(auditKeyMayMatch(k, { key: 'prod/db/terraform.tfstate' })).toBe(true);
    }
    expect(auditKeyMayMatch(tagged, { action: 'restore' })).toBe(false);
  });
});

describe('audit records', () => {
  it('parses what was written and rejects other objects', () => {
    expect(parseAuditRecord(JSON.stringify(record))).toEqual(record);
    expect(parseAuditRecord('{')).toBeNull();
    expect(parseAuditRecord(JSON.stringify({ ...record, action: 'drop-table' }))).toBeNull();
    expect(parseAuditRecord(JSON.stringify({ ...record, outcome: 'maybe' }))).toBeNull();
  });

  it('filters by action, outcome, user substring, key and id', () => {
    expect(matchesAuditFilter(record, { action: 'force-unlock', outcome: 'pending', user: 'alice' })).toBe(true);
    expect(matchesAuditFilter(record, { action: 'restore' })).toBe(false);
    expect(matchesAuditFilter(record, { outcome: 'refused' })).toBe(false);
    expect(matchesAuditFilter(record, { user: 'bob' })).toBe(false);
    expect(matchesAuditFilter(record, { key: 'other' })).toBe(false);
    expect(matchesAuditFilter(record, { id: 'r1' })).toBe(true);
    expect(matchesAuditFilter(record, { id: 'r2' })).toBe(false);
  });

  it('orders newest first', () => {
    const older = { ...record, id: 'r0', time: '2025-01-01T00:00:00Z' };
    expect([older, record].sort(compareAuditRecords).map((r) => r.id)).toEqual(['r1', 'r0']);
  });
});
