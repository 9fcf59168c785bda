import { describe, expect, it } from 'vitest';
import { backendPosture, expiryInstant, ruleApplies, statePosture, type BucketFacts, type LifecycleRuleInfo } from './recovery-rules';

const rule = (over: Partial<LifecycleRuleInfo>): LifecycleRuleInfo => ({
  id: 'r',
  enabled: true,
  prefix: '',
  tags: [],
  sizeGreaterThan: null,
  sizeLessThan: null,
  expirationDays: null,
  expirationDate: null,
  expiredObjectDeleteMarker: false,
  noncurrentDays: null,
  newerNoncurrentVersions: null,
  noncurrentTransition: false,
  ...over,
});

const v = (id: string, at: string, latest = false, deleteMarker = false) => ({ versionId: id, lastModified: at, isLatest: latest, deleteMarker });
const HISTORY = [v('v3', '2026-12-01T10:00:00.000Z', true), v('v2', '2026-11-20T10:00:00.000Z'), v('v1', '2026-11-01T10:00:00.000Z')];

const facts = (over: Partial<BucketFacts> = {}): BucketFacts => ({
  bucket: 'b',
  versioning: { status: 'ok', value: { status: 'Enabled', mfaDelete: 'Disabled' } },
  lifecycle: { status: 'ok', value: [] },
  objectLock: { status: 'ok', value: { enabled: false, mode: null, days: null, years: null } },
  encryption: { status: 'ok', value: { algorithm: 'AES256', kmsKeyId: null, bucketKey: false } },
  replication: { status: 'ok', value: { rules: [] } },
  ...over,
});
const input = { stateKeys: ['app/terraform.tfstate'], lockKeys: ['app/terraform.tfstate.tflock'], states: null, lockfileVersions: 0, nowMs: Date.parse('2026-12-04T00:00:00Z') };

describe('statePosture', () => {
  it('without rules keeps every prior version indefinitely', () => {
    const p = statePosture('k', HISTORY, []);
    expect(p).toMatchObject({ versionCount: 3, restorableCount: 2, oldest: { versionId: 'v1' }, oldestKeptUntil: null, lastRestorableUntil: null });
  });

  it('dates each prior version from when it was replaced, rounded to midnight UTC', () => {
    const p = statePosture('k', HISTORY, [rule({ noncurrentDays: 30 })]);
    expect(p.oldestKeptUntil).toBe('2026-12-21T00:00:00.000Z'); // v1 replaced 11-20 10:00 + 30 d → 12-20 10:00 → next midnight
    expect(p.lastRestorableUntil).toBe(expiryInstant('2026-12-01T10:00:00.000Z', 30));
  });

  it('keeps the NewerNoncurrentVersions newest prior versions', () => {
    expect(statePosture('k', HISTORY, [rule({ noncurrentDays: 1, newerNoncurrentVersions: 1 })]).lastRestorableUntil).toBeNull();
  });

  it('skips delete markers and rules of other prefixes; tag filters are "maybe"', () => {
    const h = [v('m', '2026-12-02T00:00:00Z', true, true), ...HISTORY.map((x) => ({ ...x, isLatest: false }))];
    expect(statePosture('k', h, [rule({ prefix: 'other/', noncurrentDays: 1 })])).toMatchObject({ restorableCount: 3, lastRestorableUntil: null });
    expect(ruleApplies(rule({ tags: [{ key: 'a', value: 'b' }] }), 'k')).toBe('maybe');
    expect(ruleApplies(rule({ enabled: false }), 'k')).toBe('no');
    expect(ruleApplies(rule({ sizeGreaterThan: 100 }), 'k', 50)).toBe('no');
  });

  it('notices a rule that expires the current state', () => {
    expect(statePosture('k', HISTORY, [rule({ expirationDays: 10 })]).currentExpires).toBe('2026-12-12T00:00:00.000Z');
  });
});

describe('backendPosture', () => {
  it('is impossible without versioning and says how to fix it', () => {
    const p = backendPosture(facts({ versioning: { status: 'ok', value: { status: 'Disabled', mfaDelete: 'Disabled' } } }), input);
    expect(p.restore).toBe('impossible');
    expect(p.findings[0]).toMatchObject({ severity: 'critical', code: 'versioning_disabled' });
    expect(p.findings[0]!.fix).toMatch(/put-bucket-versioning --bucket b/);
    expect(backendPosture(facts({ versioning: { status: 'ok', value: { status: 'Suspended', mfaDelete: 'Disabled' } } }), input).restore).toBe('impossible');
  });

  it('is at risk with a short non-current expiration on state keys, and notes .tflock rules', () => {
    const p = backendPosture(facts({ lifecycle: { status: 'ok', value: [rule({ noncurrentDays: 3 })] } }), input);
    expect(p.restore).toBe('at_risk');
    expect(p.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['noncurrent_expiration', 'lockfile_expiration']));
    expect(backendPosture(facts({ lifecycle: { status: 'ok', value: [rule({ noncurrentDays: 90 })] } }), input).restore).toBe('ok');
  });

  it('names an Expiration.Date in the readable UTC form', () => {
    const p = backendPosture(facts({ lifecycle: { status: 'ok', value: [rule({ id: 'purge', expirationDate: '2027-01-01T00:00:00.000Z' })] } }), input);
    expect(p.findings.find((f) => f.code === 'state_expiration')?.message).toContain('Lifecycle rule "purge" expires current objects on 2027-01-01 00:00:00 UTC:');
  });

  it('shows a missing permission as not checked, never as fine or failed', () => {
    const p = backendPosture(facts({ versioning: { status: 'not_checked', reason: 'AccessDenied' }, lifecycle: { status: 'not_checked', reason: 'AccessDenied' } }), input);
    expect(p.restore).toBe('unknown');
    expect(p.findings.map((f) => f.message).join(' ')).toMatch(/not checked: AccessDenied/);
  });

  it('flags states whose last restorable version expires soon', () => {
    const states = [statePosture('app/terraform.tfstate', HISTORY, [rule({ noncurrentDays: 3 })])];
    const p = backendPosture(facts({ lifecycle: { status: 'ok', value: [rule({ noncurrentDays: 3 })] } }), { ...input, states });
    expect(p.findings.map((f) => f.code)).toContain('restore_window_closing');
  });

  it('explains SSE-KMS ETags', () => {
    const p = backendPosture(facts({ encryption: { status: 'ok', value: { algorithm: 'aws:kms', kmsKeyId: 'k1', bucketKey: false } } }), input);
    expect(p.findings.find((f) => f.code === 'sse_kms')?.message).toMatch(/not MD5/);
  });
});
