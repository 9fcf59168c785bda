import { describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import { assertCanMutate, canMutate, identify } from './identity';

const base = { authMode: 'none' as const, authUserHeader: 'x-forwarded-email', operators: [] as string[], readOnly: false };
const req = (headers: Record<string, string> = {}) => new Request('http://lockboard.test/api/x', { headers });

describe('identify', () => {
  it('mode none: everyone is the anonymous operator', () => {
    const id = identify(req({ 'x-forwarded-email': 'alice@example.com' }), base);
    expect(id).toEqual({ user: 'anonymous', anonymous: true, groups: [] });
    expect(canMutate(id, base)).toBe(true);
  });

  it('mode proxy: the user comes from the trusted header', () => {
    const config = { ...base, authMode: 'proxy' as const };
    expect(identify(req({ 'x-forwarded-email': ' alice@example.com ' }), config)).toEqual({ user: 'alice@example.com', anonymous: false, groups: [] });
  });

  it('mode proxy: a missing or empty header is 401', () => {
    const config = { ...base, authMode: 'proxy' as const };
    for (const headers of [{}, { 'x-forwarded-email': '  ' }] as Array<Record<string, string>>) {
      const err = (() => {
        try {
          identify(req(headers), config);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(401);
    }
  });
});

describe('canMutate', () => {
  const proxy = { ...base, authMode: 'proxy' as const, operators: ['Alice@Example.com'] };
  it('only operators may mutate in proxy mode (case-insensitive)', () => {
    expect(canMutate({ user: 'alice@example.com', anonymous: false }, proxy)).toBe(true);
    expect(canMutate({ user: 'bob@example.com', anonymous: false }, proxy)).toBe(false);
  });

  it('read-only refuses everyone, with the reason', () => {
    expect(canMutate({ user: 'anonymous', anonymous: true }, { ...base, readOnly: true })).toBe(false);
    expect(canMutate({ user: 'alice@example.com', anonymous: false }, { ...proxy, readOnly: true })).toBe(false);
    expect(() => assertCanMutate({ user: 'anonymous', anonymous: true }, { ...base, readOnly: true })).toThrow(/read-only/);
    expect(() => assertCanMutate({ user: 'bob@example.com', anonymous: false }, proxy)).toThrow(/not an operator/);
    expect(() => assertCanMutate({ user: 'alice@example.com', anonymous: false }, proxy)).not.toThrow();
  });
});
