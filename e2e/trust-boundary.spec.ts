/**
 * The trust boundary of the real built server (auth mode none, as the e2e apps run): security headers
 * and a nonce CSP under which every page still hydrates (no CSP violation in Chromium), and a
 * DNS-rebinding Host refused with 421 on reads and on a mutation.
 */
import http from 'node:http';
import { expect, lockRow, openOverview, test } from './fixtures';

/** A request with a chosen Host header (fetch() would replace it), as a rebinding page's browser sends it. */
function send(url: string, host: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: { ...init.headers, host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

test('every page hydrates under the nonce CSP, with the security headers', async ({ page, seed, backends, prefix }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
  });
  const key = `${prefix}csp/terraform.tfstate`;
  await seed.lock(backends.main, key);
  await openOverview(page, prefix);
  // Rendered by the client after fetching: proof that the scripts ran.
  await expect(lockRow(page, key)).toBeVisible();
  for (const path of ['/', '/states', '/audit']) {
    const response = await page.goto(path);
    const h = response!.headers();
    expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['strict-transport-security']).toBeUndefined();
    // Every script tag Next rendered carries the nonce of this response's CSP.
    const nonce = /'nonce-([^']+)'/.exec(h['content-security-policy']!)![1];
    const scripts = await page.locator('script').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((n) => n === nonce)).toBe(true);
  }
  expect(violations).toEqual([]);
});

test('a DNS-rebinding Host gets 421 on reads and mutations; health still answers', async ({ baseURL }) => {
  const port = new URL(baseURL!).port;
  const rebind = `rebind.example:${port}`;
  expect(await send(`${baseURL}/api/backends/e2e-main/locks`, rebind)).toBe(421);
  expect(await send(`${baseURL}/api/backends/e2e-main/object?key=x/terraform.tfstate`, rebind)).toBe(421);
  expect(await send(`${baseURL}/`, rebind)).toBe(421);
  const unlock = await send(`${baseURL}/api/backends/e2e-main/unlock`, rebind, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://${rebind}`, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ key: 'x/terraform.tfstate', id: 'x', reason: 'rebind' }),
  });
  expect(unlock).toBe(421);
  expect(await send(`${baseURL}/api/health`, rebind)).toBe(200);
  expect(await send(`${baseURL}/api/backends/e2e-main/locks`, `127.0.0.1:${port}`)).toBe(200);
  expect(await send(`${baseURL}/api/backends/e2e-main/locks`, `localhost:${port}`)).toBe(200);
});
