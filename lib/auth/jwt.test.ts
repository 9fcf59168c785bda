/**
 * Signed identities against a real local key server on 127.0.0.1 (an ALB-style PEM-by-kid endpoint
 * and a JWKS), through the real proxy() and the real /api/session route: valid → 200 as that user;
 * forged, expired, wrong audience/issuer, other signer, other IdP or OIDC client → 401; tokens with
 * made-up key ids make a bounded number of key fetches.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { NextRequest } from 'next/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GET as session } from '@/app/api/session/route';
import { proxy } from '@/proxy';
import { resetConfigForTests } from '../server/config';
import { MAX_KEY_FETCHES, resetJwtKeysForTests } from './jwt';

let server: http.Server;
let base = '';
let good: { privateKey: CryptoKey; publicKey: CryptoKey };
let evil: { privateKey: CryptoKey; publicKey: CryptoKey };
/** Another load balancer of the same region: AWS serves its key from the same endpoint. */
let otherAlb: { privateKey: CryptoKey; publicKey: CryptoKey };
const hits: string[] = [];

beforeAll(async () => {
  good = await generateKeyPair('ES256', { extractable: true });
  evil = await generateKeyPair('ES256', { extractable: true });
  otherAlb = await generateKeyPair('ES256', { extractable: true });
  const pem = await exportSPKI(good.publicKey);
  const otherPem = await exportSPKI(otherAlb.publicKey);
  const jwk = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/keys/us-east-1/k1') res.end(pem);
    else if (req.url === '/keys/us-east-1/k2') res.end(otherPem);
    else if (req.url === '/jwks') res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  delete process.env.LOCKBOARD_CONFIG;
  resetConfigForTests();
  resetJwtKeysForTests();
});

function useConfig(authJwt: Record<string, unknown>): void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-jwt-')), 'config.json');
  fs.writeFileSync(file, JSON.stringify({ backends: [{ id: 'main', bucket: 'tf-state', region: 'us-east-1' }], authMode: 'proxy', operators: ['ops@example.com'], authJwt }));
  process.env.LOCKBOARD_CONFIG = file;
  resetConfigForTests();
}

/** Runs proxy(), then (if it passed) the session route with the request headers the proxy forwarded, as Next does. */
async function sessionVia(headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = 'http://127.0.0.1:3000/api/session';
  const r = await proxy(new NextRequest(url, { headers: { host: '127.0.0.1:3000', ...headers } }));
  if (r.headers.get('x-middleware-next') !== '1') return { status: r.status, body: await r.json() };
  const forwarded = new Headers();
  for (const name of (r.headers.get('x-middleware-override-headers') ?? '').split(',').filter(Boolean)) {
    const value = r.headers.get(`x-middleware-request-${name}`);
    if (value !== null) forwarded.set(name, value);
  }
  const answer = await session(new Request(url, { headers: forwarded }));
  return { status: answer.status, body: await answer.json() };
}

const now = () => Math.floor(Date.now() / 1000);

const SIGNER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/1';
const OTHER_SIGNER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/2';
const ISSUER = 'https://idp.example.com';
const CLIENT = 'lockboard-client';

/**
 * An ALB-style token: ES256; kid, signer, iss, client and exp in the header as the ALB writes them;
 * base64url WITH padding as the ALB sends it.
 */
async function albToken(key: CryptoKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', signer: SIGNER, iss: ISSUER, client: CLIENT, exp: claims.exp, ...header }).sign(key);
  return jwt
    .split('.')
    .map((part) => part + '='.repeat((4 - (part.length % 4)) % 4))
    .join('.');
}

describe('ALB x-amzn-oidc-data', () => {
  const alb = () => ({ type: 'alb', keyUrlTemplate: `${base}/keys/{region}/{kid}`, signer: SIGNER, issuer: ISSUER, clientId: CLIENT, groupsClaim: 'groups' });

  it('a valid token is 200 as that user (key fetched once by kid, then cached)', async () => {
    useConfig(alb());
    hits.length = 0;
    const token = await albToken(good.privateKey, { email: 'ops@example.com', groups: ['platform'], exp: now() + 60 });
    for (let i = 0; i < 2; i++) {
      const r = await sessionVia({ 'x-amzn-oidc-data': token });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ user: 'ops@example.com', anonymous: false, canMutate: true });
    }
    expect(hits.filter((h) => h.startsWith('/keys/'))).toEqual(['/keys/us-east-1/k1']);
  });

  it('forged signature, expired, other signer, missing token, plain header → 401', async () => {
    useConfig(alb());
    const cases: Array<[string, Record<string, string>]> = [
      ['forged', { 'x-amzn-oidc-data': await albToken(evil.privateKey, { email: 'ops@example.com', exp: now() + 60 }) }],
      ['expired', { 'x-amzn-oidc-data': await albToken(good.privateKey, { email: 'ops@example.com', exp: now() - 3600 }) }],
      ['other ALB', { 'x-amzn-oidc-data': await albToken(good.privateKey, { email: 'ops@example.com', exp: now() + 60 }, { signer: OTHER_SIGNER }) }],
      ['other IdP', { 'x-amzn-oidc-data': await albToken(good.privateKey, { email: 'ops@example.com', exp: now() + 60 }, { iss: 'https://evil.example.com' }) }],
      ['other OIDC client', { 'x-amzn-oidc-data': await albToken(good.privateKey, { email: 'ops@example.com', exp: now() + 60 }, { client: 'another-app' }) }],
      ['no client', { 'x-amzn-oidc-data': await albToken(good.privateKey, { email: 'ops@example.com', exp: now() + 60 }, { client: undefined }) }],
      ['payload from another IdP', { 'x-amzn-oidc-data': await albToken(good.privateKey, { email: 'ops@example.com', iss: 'https://evil.example.com', exp: now() + 60 }) }],
      ['unknown kid', { 'x-amzn-oidc-data': await albToken(good.privateKey, { email: 'ops@example.com', exp: now() + 60 }, { kid: 'nope' }) }],
      ['none', { 'x-forwarded-email': 'ops@example.com' }],
      ['garbage', { 'x-amzn-oidc-data': 'a.b.c' }],
    ];
    for (const [name, headers] of cases) {
      const r = await sessionVia(headers);
      expect(r.status, name).toBe(401);
      expect((r.body.error as { code: string }).code, name).toBe('unauthorized');
    }
  });
});

describe('ALB tokens from elsewhere', () => {
  const alb = () => ({ type: 'alb', keyUrlTemplate: `${base}/keys/{region}/{kid}`, signer: SIGNER, issuer: ISSUER, clientId: CLIENT });
  const keyFetches = () => hits.filter((h) => h.startsWith('/keys/')).length;

  it('a token minted by another load balancer of the region (its key served by the same endpoint) is 401, without fetching its key', async () => {
    useConfig(alb());
    hits.length = 0;
    const token = await albToken(otherAlb.privateKey, { email: 'ops@example.com', exp: now() + 60 }, { kid: 'k2', signer: OTHER_SIGNER });
    const r = await sessionVia({ 'x-amzn-oidc-data': token });
    expect(r.status).toBe(401);
    expect((r.body.error as { message: string }).message).toMatch(/signed by another load balancer/);
    expect(keyFetches()).toBe(0);
  });

  it('50 requests with one unknown kid fetch its key once', async () => {
    useConfig(alb());
    hits.length = 0;
    const token = await albToken(good.privateKey, { email: 'ops@example.com', exp: now() + 60 }, { kid: 'unknown-1' });
    const answers = await Promise.all(Array.from({ length: 25 }, () => sessionVia({ 'x-amzn-oidc-data': token })));
    for (let i = 0; i < 25; i++) answers.push(await sessionVia({ 'x-amzn-oidc-data': token }));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(401));
    expect(keyFetches()).toBe(1);
  });

  it(`50 requests with 50 made-up kids make at most ${MAX_KEY_FETCHES} fetches; a known key still verifies`, async () => {
    useConfig(alb());
    hits.length = 0;
    const valid = await albToken(good.privateKey, { email: 'ops@example.com', exp: now() + 60 });
    expect((await sessionVia({ 'x-amzn-oidc-data': valid })).status).toBe(200);
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => albToken(good.privateKey, { email: 'ops@example.com', exp: now() + 60 }, { kid: `made-up-${i}` })));
    const answers = await Promise.all(tokens.map((t) => sessionVia({ 'x-amzn-oidc-data': t })));
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(answers.some((a) => /too many unknown key ids/.test((a.body.error as { message: string }).message))).toBe(true);
    expect(keyFetches()).toBeLessThanOrEqual(MAX_KEY_FETCHES);
    expect((await sessionVia({ 'x-amzn-oidc-data': valid })).status).toBe(200);
  });
});

describe('generic JWT with a JWKS URL', () => {
  const jwks = () => ({ type: 'jwks', jwksUrl: `${base}/jwks`, issuer: 'https://idp.test', audience: 'lockboard', clockSkewSeconds: 30 });
  const sign = (claims: Record<string, unknown>, key = good.privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key);

  it('a valid bearer token is 200 as that user; within the clock skew still valid', async () => {
    useConfig(jwks());
    const r = await sessionVia({ authorization: `Bearer ${await sign({ email: 'alice@example.com', iss: 'https://idp.test', aud: 'lockboard', exp: now() - 10 })}` });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user: 'alice@example.com', canMutate: false });
  });

  it('forged, expired, wrong audience, wrong issuer → 401', async () => {
    useConfig(jwks());
    const ok = { email: 'alice@example.com', iss: 'https://idp.test', aud: 'lockboard', exp: now() + 60 };
    const cases: Array<[string, string]> = [
      ['forged', await sign(ok, evil.privateKey)],
      ['expired', await sign({ ...ok, exp: now() - 120 })],
      ['audience', await sign({ ...ok, aud: 'another-app' })],
      ['issuer', await sign({ ...ok, iss: 'https://evil.test' })],
      ['no exp', await sign({ email: ok.email, iss: ok.iss, aud: ok.aud })],
    ];
    for (const [name, token] of cases) {
      const r = await sessionVia({ authorization: `Bearer ${token}` });
      expect(r.status, name).toBe(401);
    }
  });
});
