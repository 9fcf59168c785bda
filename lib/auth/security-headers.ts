/**
 * The security headers every answer carries, pages and API alike. Pages get a Content-Security-Policy
 * whose scripts are allowed only by a per-request nonce (`'strict-dynamic'`: the scripts Next loads
 * inherit the trust); Next reads the nonce from the request's CSP header and puts it on its own
 * scripts. No `'unsafe-inline'` for scripts; styles keep it (React `style` attributes cannot carry a
 * nonce). JSON and downloads get a CSP that allows nothing. HSTS only when served over HTTPS.
 */

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
}

export function pageCsp(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function isHttps(request: Request, publicUrl: string | null): boolean {
  if (publicUrl?.toLowerCase().startsWith('https:')) return true;
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  if (proto === 'https') return true;
  return request.url.toLowerCase().startsWith('https:');
}

export function securityHeaders(csp: string, https: boolean): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}
