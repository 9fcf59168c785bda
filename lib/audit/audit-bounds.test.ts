import { describe, expect, it } from 'vitest';
import { boundRecord, REFUSAL_BOUNDS } from './audit-bounds';
import type { AuditRecord } from './audit-record';
import { auditKeyMayMatch, auditObjectKey, tagOfAuditKey, timeOfAuditKey } from './audit-record';
import { clientAddress, RefusalThrottle } from './refusal-throttle';

const base: AuditRecord = {
  id: 'r1', time: '2026-01-05T10:15:30.123Z', completedAt: null, user: 'u', anonymous: true, backend: 'main', key: 'k',
  action: 'force-unlock', reason: null, seen: null, outcome: 'refused', errorCode: 'forbidden', errorMessage: 'no', details: null,
};

describe('audit record bounds', () => {
  it('cuts every string to 512 chars and the record to 8 KiB', () => {
    const huge = 'x'.repeat(50 * 1024 * 1024 / 10);
    const nested: Record<string, unknown> = {};
    let cur = nested;
    for (let i = 0; i < 100; i++) cur = (cur.n = {}) as Record<string, unknown>;
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'y'.repeat(600)]));
    const out = boundRecord({ ...base, key: huge, reason: huge, seen: { huge, nested, wide, list: Array(10_000).fill(huge) } }, REFUSAL_BOUNDS);
    const text = JSON.stringify(out);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(8 * 1024);
    expect(out.key!.startsWith('x'.repeat(512) + '…[cut ')).toBe(true);
    expect(out.seen).toEqual({ cut: true, bytes: expect.any(Number) as number });
  });

  it('removes control and bidi characters from every stored string', () => {
    const out = boundRecord({ ...base, user: 'ali\u202Eec', reason: 'fix\u001b[2J now', errorMessage: 'line 1\nline 2\r', seen: { who: 'x\u0007y' }, details: { 'k\u2066': 'v\u0085' } }, REFUSAL_BOUNDS);
    expect(out).toMatchObject({ user: 'aliec', reason: 'fix[2J now', errorMessage: 'line 1\nline 2', seen: { who: 'xy' }, details: { k: 'v' } });
  });

  it('keeps a small record as it is', () => {
    const r = { ...base, seen: { id: 'abc', n: 1, ok: true, list: [1, 2] } };
    expect(boundRecord(r, REFUSAL_BOUNDS)).toEqual(r);
  });
});

describe('tagged audit keys', () => {
  const t = Date.UTC(2026, 0, 5);
  it('encode action and kind, and old keys stay readable', () => {
    const key = auditObjectKey('p/', 'main', t, '0b7c-uuid-1', { action: 'repair-digest', kind: 'refused' });
    expect(tagOfAuditKey(key)).toEqual({ action: 'repair-digest', kind: 'refused' });
    expect(timeOfAuditKey(key)).toBe(t);
    const old = auditObjectKey('p/', 'main', t, '0b7c-uuid-1');
    expect(tagOfAuditKey(old)).toBeNull();
    expect(auditKeyMayMatch(old, { outcome: 'succeeded' })).toBe(true);
  });
  it('let filters skip objects that cannot match', () => {
    const refused = auditObjectKey('p/', 'main', t, 'a', { action: 'restore', kind: 'refused' });
    const attempt = auditObjectKey('p/', 'main', t, 'a', { action: 'force-unlock', kind: 'attempt' });
    expect(auditKeyMayMatch(refused, { outcome: 'succeeded' })).toBe(false);
    expect(auditKeyMayMatch(refused, { outcome: 'refused', action: 'restore' })).toBe(true);
    expect(auditKeyMayMatch(attempt, { action: 'restore' })).toBe(false);
    expect(auditKeyMayMatch(attempt, { outcome: 'interrupted', user: 'x' })).toBe(true);
  });
  it('find one record by id from its key alone, in either key scheme', () => {
    const id = '0b7c1d2e-aaaa-4bbb-8ccc-1234567890ab';
    const tagged = auditObjectKey('p/', 'main', t, id, { action: 'force-unlock', kind: 'attempt' });
    const old = auditObjectKey('p/', 'main', t, id);
    expect(auditKeyMayMatch(tagged, { id })).toBe(true);
    expect(auditKeyMayMatch(old, { id })).toBe(true);
    expect(auditKeyMayMatch(auditObjectKey('p/', 'main', t, `x${id}`), { id })).toBe(false);
    expect(auditKeyMayMatch(auditObjectKey('p/', 'main', t, 'other', { action: 'force-unlock', kind: 'attempt' }), { id })).toBe(false);
  });
});

describe('refusal throttle', () => {
  it('stores 20 per caller and minute, then one summary for the rest', () => {
    const t = new RefusalThrottle({ perCaller: 20, total: 300, windowMs: 60_000, maxCallers: 100 });
    let stored = 0;
    for (let i = 0; i < 3000; i++) if (t.admit('anonymous@1.2.3.4', 'force-unlock', 'main', 'k', 1000 + i).store) stored++;
    expect(stored).toBe(20);
    expect(t.admit('alice', 'force-unlock', 'main', 'k', 5000).store).toBe(true); // another caller is not starved
    const { store, summaries } = t.admit('anonymous@1.2.3.4', 'force-unlock', 'main', 'k', 61_001);
    expect(store).toBe(true);
    expect(summaries).toEqual([expect.objectContaining({ caller: 'anonymous@1.2.3.4', action: 'force-unlock', suppressed: 2980 })]);
  });
  it('caps all callers together (identity spoofing) and summarises them under *', () => {
    const t = new RefusalThrottle({ perCaller: 20, total: 300, windowMs: 60_000, maxCallers: 100 });
    let stored = 0;
    for (let i = 0; i < 3000; i++) if (t.admit(`anonymous@10.0.${i >> 8}.${i & 255}`, 'restore', 'main', null, 1000).store) stored++;
    expect(stored).toBeLessThanOrEqual(300);
    const summaries = t.flush(70_000);
    expect(summaries.reduce((n, s) => n + s.suppressed, 0)).toBe(3000 - stored);
    expect(t.tracked).toBe(0);
  });
  it('reads the client address from the proxy headers', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }))).toBe('203.0.113.9');
    expect(clientAddress(new Headers({ 'x-real-ip': '198.51.100.2' }))).toBe('198.51.100.2');
    expect(clientAddress(new Headers())).toBeNull();
  });
});
