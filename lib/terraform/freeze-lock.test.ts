import { describe, expect, it } from 'vitest';
import { FREEZE_OPERATION, freezeLockInfo, freezeMarkerJson, freezeMarkerKey, freezeMarksOf, freezeOf, markerVouchesFor } from './freeze-lock';
import { marshalLockInfo, parseLockInfo } from './lock-info';

const base = { bucket: 'bkt', key: 'prod/app.tfstate', user: 'alice', version: '0.1.0', randomBytes: new Uint8Array(16).fill(171), epochMs: Date.UTC(2026, 0, 2, 3, 4, 5, 600), nanos: 7 };

describe('freezeLockInfo', () => {
  it('writes Go-compatible LockInfo naming the operator via Lockboard, the reason in Info', () => {
    const info = freezeLockInfo({ ...base, reason: '  DB repair\n in progress <ticket & 42> ', reviewBy: '2026-01-03T00:00:00.000Z' });
    expect(info).toEqual({
      id: 'abababab-abab-abab-abab-abababababab',
      operation: FREEZE_OPERATION,
      info: 'FROZEN via Lockboard: DB repair in progress <ticket & 42> (review by 2026-01-03 00:00:00 UTC)',
      who: 'alice via Lockboard',
      version: '0.1.0',
      created: '2026-01-02T03:04:05.600000007Z',
      path: 'bkt/prod/app.tfstate',
    });
    const json = marshalLockInfo(info);
    expect(json).toContain('\\u003cticket \\u0026 42\\u003e');
    expect(parseLockInfo(json)).toEqual({ info, problems: [] });
  });

  it('strips control and bidi characters from the reason and the user (Terraform prints them to every blocked user)', () => {
    const info = freezeLockInfo({ ...base, user: 'ali\u202Ece', reason: 'DB \u001b[2Jrepair\r\u0007 \u2066now\u2069', reviewBy: null });
    expect(info.info).toBe('FROZEN via Lockboard: DB [2Jrepair now');
    expect(info.who).toBe('alice via Lockboard');
  });

  it('its marks are read back, and nothing else has them', () => {
    const info = freezeLockInfo({ ...base, reason: 'stop (all) changes', reviewBy: null });
    expect(freezeMarksOf(info)).toEqual({ frozenBy: 'alice', reason: 'stop (all) changes', reviewBy: null });
    expect(freezeMarksOf(freezeLockInfo({ ...base, reason: 'x', reviewBy: '2026-02-01T01:00:00+01:00' }))).toEqual({ frozenBy: 'alice', reason: 'x', reviewBy: '2026-02-01 00:00:00 UTC' });
    // A freeze written before the readable form still shows its review time.
    expect(freezeMarksOf({ operation: FREEZE_OPERATION, who: 'alice via Lockboard', info: 'FROZEN via Lockboard: x (review by 2026-02-01T00:00:00.000Z)' })).toEqual({ frozenBy: 'alice', reason: 'x', reviewBy: '2026-02-01T00:00:00.000Z' });
    expect(freezeMarksOf({ operation: 'OperationTypeApply', who: 'alice via Lockboard', info: '' })).toBeNull();
    expect(freezeMarksOf({ operation: FREEZE_OPERATION, who: 'root@host', info: '' })).toBeNull();
  });

  it('is a freeze only when the server verified its marker: the marks alone are not enough', () => {
    const info = freezeLockInfo({ ...base, reason: 'stop', reviewBy: null });
    expect(freezeOf(info)).toBeNull();
    expect(freezeOf({ ...info, freezeVerified: false })).toBeNull();
    expect(freezeOf({ ...info, freezeVerified: true })).toEqual({ frozenBy: 'alice', reason: 'stop', reviewBy: null });
    expect(freezeOf({ operation: 'OperationTypeApply', who: 'x', info: '', freezeVerified: true })).toBeNull();
  });
});

describe('freeze markers', () => {
  const info = freezeLockInfo({ ...base, reason: 'stop', reviewBy: null });
  const lock = { ...info, key: base.key };

  it('are named by backend and lock ID; an ID Lockboard never makes has none', () => {
    expect(freezeMarkerKey('main', info.id)).toBe(`lockboard-freezes/main/${info.id}.json`);
    expect(freezeMarkerKey('main', '../../etc')).toBeNull();
    expect(freezeMarkerKey('main', 'x'.repeat(5000))).toBeNull();
  });

  it('vouch for exactly the lock written: same backend, state and LockInfo', () => {
    const marker = freezeMarkerJson('main', base.key, info);
    expect(markerVouchesFor(marker, 'main', lock)).toBe(true);
    expect(markerVouchesFor(marker, 'other', lock)).toBe(false);
    expect(markerVouchesFor(marker, 'main', { ...lock, key: 'prod/other.tfstate' })).toBe(false);
    expect(markerVouchesFor(marker, 'main', { ...lock, info: 'FROZEN via Lockboard: something else' })).toBe(false);
    expect(markerVouchesFor(marker, 'main', { ...lock, who: 'mallory via Lockboard' })).toBe(false);
    expect(markerVouchesFor('not json', 'main', lock)).toBe(false);
  });
});
