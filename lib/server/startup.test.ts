import { describe, expect, it } from 'vitest';
import { authWarning, proxyTrustNotice } from './startup';

describe('authWarning', () => {
  it('mode none says in one line that anyone who can reach it may mutate, and where it listens', () => {
    const line = authWarning({ authMode: 'none', readOnly: false, listenHost: '127.0.0.1' });
    expect(line).toMatch(/anyone who can reach this server \(listening on 127\.0\.0\.1\) may force-unlock/);
    expect(line).not.toContain('\n');
    expect(authWarning({ authMode: 'proxy', readOnly: false, listenHost: '0.0.0.0' })).toBeNull();
  });
});

describe('proxyTrustNotice', () => {
  const proxy = { authMode: 'proxy' as const, authUserHeader: 'x-forwarded-email', authGroupsHeader: 'x-forwarded-groups', authJwt: null, listenHost: '0.0.0.0' };

  it('proxy mode with plain headers warns in one line naming both headers and the listen address', () => {
    const notice = proxyTrustNotice(proxy);
    expect(notice?.level).toBe('warn');
    expect(notice?.line).toMatch(/trusting the "x-forwarded-email" \(user\) and "x-forwarded-groups" \(groups\) headers of every request that reaches 0\.0\.0\.0/);
    expect(notice?.line).toMatch(/must strip both headers/);
    expect(notice?.line).not.toContain('\n');
  });

  it('a signed identity names its header; mode none says nothing here', () => {
    const jwt = { type: 'jwks' as const, header: 'authorization', jwksUrl: 'https://idp/jwks', issuer: 'i', audience: 'a', userClaim: 'email', groupsClaim: null, clockSkewSeconds: 30, fetchTimeoutMs: 3000 };
    expect(proxyTrustNotice({ ...proxy, authJwt: jwt })).toEqual({ level: 'info', line: expect.stringMatching(/signed token in the "authorization" header/) });
    expect(proxyTrustNotice({ ...proxy, authMode: 'none' })).toBeNull();
  });
});
