/**
 * Mutations accept only JSON sent by the app's own pages. A cross-site page can make a browser POST a
 * form or a "simple" request with the user's cookies/proxy session, but it cannot send
 * `application/json` without a CORS preflight (which Lockboard never answers), and the browser stamps
 * such requests with `Origin` and `Sec-Fetch-Site`. Both are checked here; hiding a button in the UI
 * is never the protection.
 */
import { AppError } from '../api/errors';

const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/** The hosts this request may legitimately come from: its own URL's, the Host header's, a proxy's X-Forwarded-Host. */
function ownHosts(request: Request): Set<string> {
  const hosts = new Set<string>();
  try {
    hosts.add(new URL(request.url).host.toLowerCase());
  } catch {
    // A relative URL cannot happen in a route handler; ignore.
  }
  const host = request.headers.get('host');
  if (host) hosts.add(host.trim().toLowerCase());
  // Behind a reverse proxy the browser's origin is the proxy's host. Browsers cannot set this header
  // cross-site without a preflight, so trusting it does not reopen the hole.
  const forwarded = request.headers.get('x-forwarded-host');
  if (forwarded) for (const h of forwarded.split(',')) if (h.trim()) hosts.add(h.trim().toLowerCase());
  return hosts;
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
export function assertSameOriginJson(request: Request): void {
  if (mediaType(request) !== 'application/json') {
    throw new AppError('unsupported_media_type', 'Changes must be sent as application/json.', { reason: 'content_type' });
  }
  const fetchSite = request.headers.get('sec-fetch-site')?.trim().toLowerCase();
  if (fetchSite && !ALLOWED_FETCH_SITES.has(fetchSite)) {
    throw new AppError('forbidden', `Cross-site request refused (Sec-Fetch-Site: ${fetchSite}). Changes can only be made from Lockboard's own pages.`, { reason: 'cross_site' });
  }
  const origin = request.headers.get('origin');
  if (origin !== null) {
    let host: string | null = null;
    try {
      host = origin === 'null' ? null : new URL(origin).host.toLowerCase();
    } catch {
      host = null;
    }
    if (host === null || !ownHosts(request).has(host)) {
      throw new AppError('forbidden', `Cross-origin request refused (Origin: ${origin}). Changes can only be made from Lockboard's own pages.`, { reason: 'cross_origin' });
    }
  }
}
