/**
 * The trust boundary, run by `proxy.ts` on EVERY request before any route or page (no matcher: a
 * new route cannot be forgotten). In order:
 *
 * 1. `/api/health` passes (load balancers and probes call it without identity and by IP).
 * 2. The Host header must be allowed (`allowedHosts`), else 421: a DNS-rebinding page cannot read or mutate.
 * 3. Internal identity headers a client sent are dropped.
 * 4. In proxy mode the caller must be identified (plain header, or a verified signed token whose
 *    identity is handed to the routes through signed internal headers), else 401. `/_next/static`
 *    (the build's public JS/CSS) is exempt; `/api/metrics` also accepts the metrics bearer token.
 * 5. Reads under `/api/backends/<id>/…` need the viewer role on that backend (and on `?key=` when
 *    given); the raw `object` download needs stateReader on its key; `/api/audit` viewer on its
 *    `?backend=` (or on some backend). Else 403. Mutations are checked
 *    again, with their audit, by the mutation routes.
 * 6. Every answer gets the security headers; pages a CSP nonce.
 */
import crypto from 'node:crypto';
import { AppError } from '../api/errors';
import type { AppConfig, Role } from '../server/config';
import { listBackends } from '../server/backends';
import { hostAllowed } from './hosts';
import { assertAllowed, identify, INTERNAL_HEADERS, isAllowed, verifiedIdentityHeaders, type Identity } from './identity';
import { verifySignedIdentity } from './jwt';
import { API_CSP, isHttps, newNonce, pageCsp, securityHeaders } from './security-headers';

export type BoundaryOutcome =
  | { kind: 'refuse'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'pass'; requestHeaders: Headers; responseHeaders: Record<string, string> };

const HEALTH = '/api/health';

function isPage(pathname: string): boolean {
  return !pathname.startsWith('/api/') && pathname !== '/api' && !pathname.startsWith('/_next/');
}

/** Whether the request carries the metrics scraper's bearer token (`metricsToken`). */
export function metricsTokenOk(request: Request, token: string | null): boolean {
  if (token === null) return false;
  const sent = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
  const a = crypto.createHash('sha256').update(sent).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return sent !== '' && crypto.timingSafeEqual(a, b);
}

/** The role a read under /api/backends/<id>/<rest> needs, or null for other paths and mutations. */
export function readRequirement(method: string, url: URL): { backendId: string; key: string | null; role: Role } | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  const m = /^\/api\/backends\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
  if (!m) return null;
  let backendId: string;
  try {
    backendId = decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
  const key = url.searchParams.get('key');
  return { backendId, key: key === '' ? null : key, role: m[2] === 'object' ? 'stateReader' : 'viewer' };
}

function refusal(error: AppError, headers: Record<string, string>): BoundaryOutcome {
  return { kind: 'refuse', status: error.status, body: { error: error.toJson() }, headers: { ...headers, 'cache-control': 'no-store' } };
}

export async function boundary(request: Request, config: AppConfig, options: { dev?: boolean } = {}): Promise<BoundaryOutcome> {
  const url = new URL(request.url);
  const https = isHttps(request, config.publicUrl);
  const page = isPage(url.pathname);
  const nonce = page ? newNonce() : null;
  const csp = nonce !== null ? pageCsp(nonce, { dev: options.dev ?? false, https }) : API_CSP;
  const responseHeaders = securityHeaders(csp, https);
  const requestHeaders = new Headers(request.headers);
  for (const h of INTERNAL_HEADERS) requestHeaders.delete(h);
  if (nonce !== null) {
    // Next takes the nonce for its scripts from the request's CSP header.
    requestHeaders.set('content-security-policy', csp);
    requestHeaders.set('x-nonce', nonce);
  }
  const pass: BoundaryOutcome = { kind: 'pass', requestHeaders, responseHeaders };

  if (url.pathname === HEALTH) return pass;

  if (!hostAllowed(request.headers.get('host'), config)) {
    const host = (request.headers.get('host') ?? '').slice(0, 200);
    return refusal(new AppError('misdirected_request', `Host "${host}" is not served here: add it to LOCKBOARD_ALLOWED_HOSTS (or set LOCKBOARD_PUBLIC_URL) if it is really Lockboard's name.`, { reason: 'host_not_allowed' }), responseHeaders);
  }

  if (config.authMode === 'none' || url.pathname.startsWith('/_next/static/')) return pass;
  if (url.pathname === '/api/metrics' && metricsTokenOk(request, config.metricsToken)) return pass;

  let identity: Identity;
  try {
    if (config.authJwt) {
      const verified = await verifySignedIdentity(request, config.authJwt);
      for (const [name, value] of Object.entries(verifiedIdentityHeaders(verified.user, verified.groups))) requestHeaders.set(name, value);
    }
    identity = identify(new Request(request.url, { headers: requestHeaders }), config);
    const need = readRequirement(request.method, url);
    if (need) assertAllowed(identity, need.role, need.backendId, need.key, config);
    if (url.pathname === '/api/audit') {
      // The audit log of one backend needs the viewer role on it; the whole log, on some backend.
      const backend = url.searchParams.get('backend');
      if (backend) assertAllowed(identity, 'viewer', backend, null, config);
      else if (!listBackends().some((b) => isAllowed(identity, 'viewer', b.id, null, config))) {
        throw new AppError('forbidden', `User "${identity.user}" may not view any backend (see accessRules).`, { reason: 'not_allowed', role: 'viewer' });
      }
    }
  } catch (e) {
    if (e instanceof AppError) return refusal(e, responseHeaders);
    throw e;
  }
  return pass;
}
