/**
 * Mutations accept only JSON sent by the app's own pages. A cross-site page can make a browser POST a
 * form or a "simple" request with the user's cookies/proxy session, but it cannot send
 * `application/json` without a CORS preflight (which Lockboard never answers), and the browser stamps
 * such requests with `Origin` and `Sec-Fetch-Site`. Both are checked here; hiding a button in the UI
 * is never the protection.
 */
import { AppError } from '../api/errors';

const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * The origins (scheme://host) this request may legitimately come from: its own URL's; the Host
 * header's and a proxy's X-Forwarded-Host, each with the request's scheme or the proxy's
 * X-Forwarded-Proto; and the configured public URL's. Scheme counts: a page on http:// cannot post
 * to the https:// app.
 */
function ownOrigins(request: Request, publicUrl: string | null): Set<string> {
  const origins = new Set<string>();
  const schemes = new Set<string>();
  try {
    const url = new URL(request.url);
    origins.add(url.origin.toLowerCase());
    schemes.add(url.protocol.replace(/:$/, '').toLowerCase());
  } catch {
    // A relative URL cannot happen in a route handler; ignore.
  }
  const proto = request.headers.get('x-forwarded-proto');
  if (proto) for (const p of proto.split(',')) if (/^https?$/i.test(p.trim())) schemes.add(p.trim().toLowerCase());
  const hosts = new Set<string>();
  const host = request.headers.get('host');
  if (host) hosts.add(host.trim().toLowerCase());
  // Behind a reverse proxy the browser's origin is the proxy's host. Browsers cannot set this header
  // cross-site without a preflight, so trusting it does not reopen the hole.
  const forwarded = request.headers.get('x-forwarded-host');
  if (forwarded) for (const h of forwarded.split(',')) if (h.trim()) hosts.add(h.trim().toLowerCase());
  for (const h of hosts) for (const s of schemes) origins.add(`${s}://${h}`);
  if (publicUrl) {
    try {
      origins.add(new URL(publicUrl).origin.toLowerCase());
    } catch {
      // Validated by the config loader.
    }
  }
  return origins;
}

/** `scheme://host` of an Origin header with default ports dropped (as URL.origin does); null for "null" or garbage. */
function normalisedOrigin(origin: string): string | null {
  if (origin === 'null') return null;
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? null : url.origin.toLowerCase();
  } catch {
    return null;
  }
}

function withoutDefaultPort(origin: string): string {
  return origin.replace(/^http:\/\/(.*):80$/, 'http://$1').replace(/^https:\/\/(.*):443$/, 'https://$1');
}

/** The media type of the body, lowercase, without parameters. */
function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Throws 415 for a body that is not JSON, 403 for a request a browser marked as cross-site or whose
 * Origin is another site. A request with neither header comes from a non-browser client (curl, a
 * script): no browser can be tricked into sending it, so it passes.
 */
export function assertSameOriginJson(request: Request, publicUrl: string | null = null): void {
  if (mediaType(request) !== 'application/json') {
    throw new AppError('unsupported_media_type', 'Changes must be sent as application/json.', { reason: 'content_type' });
  }
  const fetchSite = request.headers.get('sec-fetch-site')?.trim().toLowerCase();
  if (fetchSite && !ALLOWED_FETCH_SITES.has(fetchSite)) {
    throw new AppError('forbidden', `Cross-site request refused (Sec-Fetch-Site: ${fetchSite}). Changes can only be made from Lockboard's own pages.`, { reason: 'cross_site' });
  }
  const origin = request.headers.get('origin');
  if (origin !== null) {
    const seen = normalisedOrigin(origin);
    const own = new Set([...ownOrigins(request, publicUrl)].map(withoutDefaultPort));
    if (seen === null || !own.has(withoutDefaultPort(seen))) {
      throw new AppError('forbidden', `Cross-origin request refused (Origin: ${origin.slice(0, 200)}). Changes can only be made from Lockboard's own pages.`, { reason: 'cross_origin' });
    }
  }
}
