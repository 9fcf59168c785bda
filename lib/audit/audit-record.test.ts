import { describe, expect, it } from 'vitest';
import { auditFolder, auditObjectKey, compareAuditRecords, matchesAuditFilter, parseAuditRecord, timeOfAuditKey, type AuditRecord } from './audit-record';

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
