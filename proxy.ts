/**
 * Next.js 16 Proxy (the former middleware; Node.js runtime): runs before every route and page. It has
 * no `matcher` on purpose, so that no route (present or future) can escape the trust boundary in
 * lib/auth/boundary.ts: Host allow-list, identity, per-backend read roles, security headers and the
 * CSP nonce.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { boundary } from './lib/auth/boundary';
import { ConfigError, getConfig } from './lib/server/config';

export async function proxy(request: NextRequest): Promise<NextResponse> {
  let config;
  try {
    config = getConfig();
  } catch (e) {
    // instrumentation.ts stops the server on a bad configuration; until then, serve nothing.
    const message = e instanceof ConfigError ? 'Lockboard configuration is invalid; the server log lists the problems.' : 'Configuration could not be loaded.';
    return NextResponse.json({ error: { code: 'config_invalid', message } }, { status: 500, headers: { 'cache-control': 'no-store' } });
  }
  const outcome = await boundary(request, config, { dev: process.env.NODE_ENV === 'development' });
  if (outcome.kind === 'refuse') {
    return NextResponse.json(outcome.body, { status: outcome.status, headers: outcome.headers });
  }
  const response = NextResponse.next({ request: { headers: outcome.requestHeaders } });
  for (const [name, value] of Object.entries(outcome.responseHeaders)) response.headers.set(name, value);
  return response;
}
