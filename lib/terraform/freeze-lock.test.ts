import { describe, expect, it } from 'vitest';
import { FREEZE_OPERATION, freezeLockInfo, freezeOf } from './freeze-lock';
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

  it('is recognised back, and nothing else is', () => {
    const info = freezeLockInfo({ ...base, reason: 'stop (all) changes', reviewBy: null });
    expect(freezeOf(info)).toEqual({ frozenBy: 'alice', reason: 'stop (all) changes', reviewBy: null });
    expect(freezeOf(freezeLockInfo({ ...base, reason: 'x', reviewBy: '2026-02-01T01:00:00+01:00' }))).toEqual({ frozenBy: 'alice', reason: 'x', reviewBy: '2026-02-01 00:00:00 UTC' });
    // A freeze written before the readable form still shows its review time.
    expect(freezeOf({ operation: FREEZE_OPERATION, who: 'alice via Lockboard', info: 'FROZEN via Lockboard: x (review by 2026-02-01T00:00:00.000Z)' })).toEqual({ frozenBy: 'alice', reason: 'x', reviewBy: '2026-02-01T00:00:00.000Z' });
    expect(freezeOf({ operation: 'OperationTypeApply', who: 'alice via Lockboard', info: '' })).toBeNull();
    expect(freezeOf({ operation: FREEZE_OPERATION, who: 'root@host', info: '' })).toBeNull();
  });
});
