/**
 * Verifying a signed identity instead of trusting a plain header (`authJwt` in the config):
 *
 * - `alb`: the `x-amzn-oidc-data` token an AWS Application Load Balancer adds after OIDC login. ES256,
 *   signed by the ALB; its public key (PEM) is fetched by the token's `kid` from the region's key
 *   endpoint (`keyUrlTemplate`), cached per kid, with a deadline. AWS serves the keys of EVERY load
 *   balancer of a region from that endpoint, so a good signature only proves that some ALB minted the
 *   token: its header must also name this ALB (`signer`), this IdP (`iss`) and this OIDC client
 *   (`client`), checked before any key is fetched. A kid the endpoint did not serve is not asked
 *   again for a while, and at most MAX_KEY_FETCHES keys are fetched per minute, so tokens with made-up
 *   kids cannot make Lockboard hammer the endpoint. The ALB pads its base64url segments with `=`,
 *   which JWS forbids: the padding is removed before verification.
 * - `jwks`: any OIDC-style JWT (e.g. `Authorization: Bearer …` from an identity-aware proxy) checked
 *   against a JWKS URL, issuer and audience, with a clock skew.
 *
 * Both require `exp`. Uses `jose` (no hand-written crypto). Any failure is a 401 whose message says
 * why without echoing the token.
 */
import { createRemoteJWKSet, decodeProtectedHeader, importSPKI, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../api/errors';
import type { JwtConfig } from '../server/config';
import { parseGroups } from './identity';

export interface VerifiedIdentity {
  user: string;
  groups: string[];
}

type AlbConfig = Extract<JwtConfig, { type: 'alb' }>;

const MAX_TOKEN_CHARS = 16_384;
const KID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const KEY_CACHE_MS = 60 * 60_000;
const MAX_CACHED_KEYS = 64;
/** A kid the endpoint answered 4xx for is not asked again for this long; after a timeout or 5xx, for FAILED_FETCH_MS. */
const UNKNOWN_KID_MS = 5 * 60_000;
const FAILED_FETCH_MS = 30_000;
const MAX_REMEMBERED_FAILURES = 1000;
/** Key fetches per minute per replica, whatever the tokens say (a rotation needs one). */
export const MAX_KEY_FETCHES = 10;
const FETCH_WINDOW_MS = 60_000;

class KeyEndpointRefusal extends Error {}

const albKeys = new Map<string, { key: Promise<CryptoKey>; at: number }>();
/** Key URLs whose fetch failed, and until when they are not fetched again. */
const failedKeys = new Map<string, { until: number; reason: string }>();
const fetchWindow = { start: 0, count: 0 };
const jwksSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function unauthorized(message: string): AppError {
  return new AppError('unauthorized', message);
}

/** Tests only: forget fetched keys, failures and the fetch budget. */
export function resetJwtKeysForTests(): void {
  albKeys.clear();
  failedKeys.clear();
  fetchWindow.start = 0;
  fetchWindow.count = 0;
  jwksSets.clear();
}

function tokenOf(request: Request, config: JwtConfig): string {
  const raw = request.headers.get(config.header)?.trim() ?? '';
  const token = config.header === 'authorization' ? (/^Bearer\s+(.+)$/i.exec(raw)?.[1] ?? '') : raw;
  if (token === '') throw unauthorized(`No signed identity: the request lacks the "${config.header}" header the authenticating proxy sets.`);
  if (token.length > MAX_TOKEN_CHARS) throw unauthorized(`The "${config.header}" token is longer than ${MAX_TOKEN_CHARS} characters.`);
  return token;
}

async function fetchAlbKey(url: string, timeoutMs: number): Promise<CryptoKey> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (response.status >= 400 && response.status < 500) throw new KeyEndpointRefusal(`the key endpoint does not know this key id (HTTP ${response.status})`);
  if (!response.ok) throw new Error(`key endpoint answered ${response.status}`);
  const pem = (await response.text()).slice(0, 8192);
  return importSPKI(pem, 'ES256');
}

/** Takes one fetch from this minute's budget (false: spent). */
function takeFetch(now: number): boolean {
  if (now - fetchWindow.start >= FETCH_WINDOW_MS) {
    fetchWindow.start = now;
    fetchWindow.count = 0;
  }
  if (fetchWindow.count >= MAX_KEY_FETCHES) return false;
  fetchWindow.count++;
  return true;
}

function rememberFailure(url: string, e: unknown, now: number): void {
  if (failedKeys.size >= MAX_REMEMBERED_FAILURES) failedKeys.delete(failedKeys.keys().next().value!);
  const refused = e instanceof KeyEndpointRefusal;
  failedKeys.set(url, { until: now + (refused ? UNKNOWN_KID_MS : FAILED_FETCH_MS), reason: refused ? (e as Error).message : 'the key endpoint failed for this key id' });
}

function albKey(kid: string, config: AlbConfig): Promise<CryptoKey> {
  const url = config.keyUrlTemplate.replaceAll('{region}', encodeURIComponent(config.region)).replaceAll('{kid}', encodeURIComponent(kid));
  const now = Date.now();
  const cached = albKeys.get(url);
  if (cached && now - cached.at < KEY_CACHE_MS) return cached.key;
  const failed = failedKeys.get(url);
  if (failed && now < failed.until) throw new Error(`${failed.reason}; not asked again before ${new Date(failed.until).toISOString()}`);
  if (!takeFetch(now)) throw new Error(`too many unknown key ids: at most ${MAX_KEY_FETCHES} keys are fetched per minute`);
  failedKeys.delete(url);
  const key = fetchAlbKey(url, config.fetchTimeoutMs);
  if (albKeys.size >= MAX_CACHED_KEYS) albKeys.delete(albKeys.keys().next().value!);
  albKeys.set(url, { key, at: now });
  key.catch((e: unknown) => {
    albKeys.delete(url);
    rememberFailure(url, e, Date.now());
  });
  return key;
}

/** The ALB token's header, checked against this ALB, IdP and client before any key is fetched. */
function albHeaderKid(token: string, config: AlbConfig, nowSeconds: number): string {
  const header = decodeProtectedHeader(token);
  if (header.alg !== 'ES256') throw new Error(`unexpected algorithm ${String(header.alg)}`);
  const kid = header.kid;
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) throw new Error('the token has no usable key id');
  if (header.signer !== config.signer) throw new Error('the token was signed by another load balancer');
  if (header.iss !== config.issuer) throw new Error('the token was issued by another identity provider (iss)');
  if (header.client !== config.clientId) throw new Error('the token was issued to another OIDC client (client)');
  if (typeof header.exp === 'number' && header.exp + config.clockSkewSeconds < nowSeconds) throw new Error('the token has expired');
  return kid;
}

function jwksOf(config: Extract<JwtConfig, { type: 'jwks' }>): ReturnType<typeof createRemoteJWKSet> {
  let set = jwksSets.get(config.jwksUrl);
  if (!set) {
    set = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: config.fetchTimeoutMs, cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 });
    jwksSets.set(config.jwksUrl, set);
  }
  return set;
}

function identityOf(payload: JWTPayload, config: JwtConfig): VerifiedIdentity {
  const user = payload[config.userClaim];
  if (typeof user !== 'string' || user.trim() === '' || user.length > 256) throw unauthorized(`The signed token has no usable "${config.userClaim}" claim.`);
  let groups: string[] = [];
  if (config.groupsClaim) {
    const g = payload[config.groupsClaim];
    if (Array.isArray(g)) groups = parseGroups(g.filter((x): x is string => typeof x === 'string' && !x.includes(',')).join(','));
    else if (typeof g === 'string') groups = parseGroups(g);
  }
  return { user: user.trim(), groups };
}

function describe(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ERR_JWT_EXPIRED') return 'the token has expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return `claim check failed (${(e as Error).message})`;
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'the signature does not verify';
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') return 'no key of the JWKS matches the token';
  if (code === 'ERR_JWKS_TIMEOUT' || (e as Error)?.name === 'TimeoutError') return 'the key endpoint did not answer in time';
  return (e as Error)?.message?.slice(0, 200) ?? String(e);
}

/** Verifies the request's signed identity; 401 when absent, malformed, forged, expired or for another audience. */
export async function verifySignedIdentity(request: Request, config: JwtConfig): Promise<VerifiedIdentity> {
  let token = tokenOf(request, config);
  try {
    if (config.type === 'alb') {
      token = token.split('.').map((part) => part.replace(/=+$/, '')).join('.');
      const kid = albHeaderKid(token, config, Math.floor(Date.now() / 1000));
      const key = await albKey(kid, config);
      const { payload } = await jwtVerify(token, key, { algorithms: ['ES256'], clockTolerance: config.clockSkewSeconds, requiredClaims: ['exp'] });
      if (payload.iss !== undefined && payload.iss !== config.issuer) throw new Error('the token was issued by another identity provider (iss)');
      return identityOf(payload, config);
    }
    const { payload } = await jwtVerify(token, jwksOf(config), {
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.clockSkewSeconds,
      requiredClaims: ['exp'],
    });
    return identityOf(payload, config);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw unauthorized(`The signed identity in "${config.header}" was refused: ${describe(e)}.`);
  }
}
