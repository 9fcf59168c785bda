import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { resetConfigForTests } from './config';
import { configCheck } from './config-check';
import { signingConfigOf, signingStartupCheck } from './signing-config';
import { keyId, keyRing, signJson, verifyJson, type KeyRing } from './signing';

const ring = (secret: string, previous: string[] = []): KeyRing => ({ current: Buffer.from(secret), previous: previous.map((p) => Buffer.from(p)), ephemeral: false });
const A = ring('a'.repeat(32));
const B = ring('b'.repeat(32));
const body = JSON.stringify({ id: 'r1', user: 'alice', action: 'restore', outcome: 'succeeded' });

describe('signJson / verifyJson', () => {
  it('signs a JSON object as its last member, still valid JSON with the same fields', () => {
    const signed = signJson('audit-record', 'k/1.json', body, A);
    const doc = JSON.parse(signed) as Record<string, unknown>;
    expect(doc).toMatchObject(JSON.parse(body) as Record<string, unknown>);
    expect(doc.lockboardSignature).toMatch(new RegExp(`^v1\\.${keyId(A.current)}\\.[0-9a-f]{64}$`));
    expect(verifyJson('audit-record', 'k/1.json', signed, A)).toEqual({ verification: 'signed', body });
  });

  it('signs the empty object too', () => {
    const signed = signJson('alert-claim', 'c.json', '{}', A);
    expect(verifyJson('alert-claim', 'c.json', signed, A)).toEqual({ verification: 'signed', body: '{}' });
  });

  it('says unsigned for a plain object, and returns it as the body', () => {
    expect(verifyJson('audit-record', 'k/1.json', body, A)).toEqual({ verification: 'unsigned', body });
    expect(verifyJson('audit-record', 'k/1.json', '', A).verification).toBe('unsigned');
    expect(verifyJson('audit-record', 'k/1.json', 'not json at all', A).verification).toBe('unsigned');
  });

  it('rejects an altered body, another object key, another purpose', () => {
    const signed = signJson('audit-record', 'k/1.json', body, A);
    expect(verifyJson('audit-record', 'k/1.json', signed.replace('alice', 'mallo'), A).verification).toBe('bad_signature');
    expect(verifyJson('audit-record', 'k/2.json', signed, A).verification).toBe('bad_signature');
    expect(verifyJson('alert-claim', 'k/1.json', signed, A).verification).toBe('bad_signature');
  });

  it('rejects a signature made up by someone without the key (same key id, wrong HMAC)', () => {
    const forged = `${body.slice(0, -1)},"lockboardSignature":"v1.${keyId(A.current)}.${crypto.createHmac('sha256', 'guess').update(body).digest('hex')}"}`;
    expect(verifyJson('audit-record', 'k/1.json', forged, A).verification).toBe('bad_signature');
    // A malformed signature member is a bad signature, not "unsigned".
    expect(verifyJson('audit-record', 'k/1.json', `${body.slice(0, -1)},"lockboardSignature":"v1.zz"}`, A).verification).toBe('bad_signature');
  });

  it('says unknown_key for a signature by another key, and accepts the previous key after a rotation', () => {
    const byB = signJson('audit-record', 'k/1.json', body, B);
    expect(verifyJson('audit-record', 'k/1.json', byB, A).verification).toBe('unknown_key');
    const rotated = ring('c'.repeat(32), ['b'.repeat(32)]);
    expect(verifyJson('audit-record', 'k/1.json', byB, rotated).verification).toBe('signed');
    // The previous key never signs.
    expect(keyId(rotated.current)).not.toBe(keyId(B.current));
    expect(verifyJson('audit-record', 'k/1.json', signJson('audit-record', 'k/1.json', body, rotated), B).verification).toBe('unknown_key');
  });

  it('reads only the fixed-length tail: a 1 MB text without signature is checked at once', () => {
    const big = `{"x":"${'y'.repeat(1_000_000)}"}`;
    const started = performance.now();
    expect(verifyJson('audit-record', 'k', big, A).verification).toBe('unsigned');
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('the signing key setting', () => {
  it('reads LOCKBOARD_SIGNING_KEY, or the variable signingKeyEnv names, and its _PREVIOUS', () => {
    const problems: string[] = [];
    expect(signingConfigOf({ LOCKBOARD_SIGNING_KEY: 'k'.repeat(32) }, undefined, problems)).toEqual({ env: 'LOCKBOARD_SIGNING_KEY', key: 'k'.repeat(32), previous: [] });
    expect(signingConfigOf({ MY_KEY: 'm'.repeat(40), MY_KEY_PREVIOUS: 'p'.repeat(32) }, 'MY_KEY', problems)).toEqual({ env: 'MY_KEY', key: 'm'.repeat(40), previous: ['p'.repeat(32)] });
    expect(signingConfigOf({}, undefined, problems)).toEqual({ env: 'LOCKBOARD_SIGNING_KEY', key: null, previous: [] });
    expect(problems).toEqual([]);
  });

  it('refuses a key under 32 bytes and a named variable that is not set', () => {
    const problems: string[] = [];
    signingConfigOf({ LOCKBOARD_SIGNING_KEY: 'short' }, undefined, problems);
    signingConfigOf({}, 'MISSING_KEY', problems);
    expect(problems).toEqual([expect.stringMatching(/^LOCKBOARD_SIGNING_KEY: the signing key must be at least 32 bytes/), expect.stringMatching(/signingKeyEnv: environment variable MISSING_KEY \(the signing key\) is not set/)]);
  });

  it('npm start refuses proxy mode without a key, in one line naming the variable', () => {
    const env = { LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1', LOCKBOARD_AUTH_MODE: 'proxy' };
    expect(configCheck(env)).toMatch(/^Lockboard does not start: invalid configuration: LOCKBOARD_SIGNING_KEY: required with authMode "proxy"/);
    expect(configCheck({ ...env, LOCKBOARD_SIGNING_KEY: 'k'.repeat(32) })).toBeNull();
    expect(configCheck({ ...env, LOCKBOARD_AUTH_MODE: 'none' })).toBeNull();
  });

  it('is required in proxy mode, a warning in mode none, silent when set', () => {
    const none = { env: 'LOCKBOARD_SIGNING_KEY', key: null, previous: [] };
    expect(signingStartupCheck({ authMode: 'proxy', signing: none })).toMatchObject({ level: 'error', message: expect.stringMatching(/^LOCKBOARD_SIGNING_KEY: required with authMode "proxy"/) });
    expect(signingStartupCheck({ authMode: 'none', signing: none })).toMatchObject({ level: 'warn', message: expect.stringMatching(/random key of its own/) });
    expect(signingStartupCheck({ authMode: 'proxy', signing: { ...none, key: 'k'.repeat(32) } })).toBeNull();
  });
});

describe('keyRing', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetConfigForTests();
  });

  it('uses the configured key, else one random key per process (the same on every call)', () => {
    process.env = { ...saved, LOCKBOARD_CONFIG: '', LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1', LOCKBOARD_SIGNING_KEY: 's'.repeat(32) };
    resetConfigForTests();
    expect(keyRing()).toMatchObject({ ephemeral: false, current: Buffer.from('s'.repeat(32)) });
    delete process.env.LOCKBOARD_SIGNING_KEY;
    resetConfigForTests();
    const first = keyRing();
    expect(first.ephemeral).toBe(true);
    expect(first.current.length).toBe(32);
    expect(keyRing().current.equals(first.current)).toBe(true);
  });
});
