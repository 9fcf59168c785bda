/**
 * The trust boundary as Next runs it: `proxy()` from proxy.ts, called with real NextRequests. Every
 * route file under app/api and every page is enumerated from the file system, so a new route is
 * covered without editing this test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it } from 'vitest';
import { proxy } from '@/proxy';
import { GET as sessionRoute } from '@/app/api/session/route';
import { resetConfigForTests } from '../server/config';

const root = path.resolve(import.meta.dirname, '..', '..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function walk(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, name) : e.name === name ? [p] : [];
  });
}

/** Every route handler: its URL (dynamic segments filled in) and the methods the file exports. */
function apiRoutes(): Array<{ url: string; methods: string[] }> {
  return walk(path.join(root, 'app', 'api'), 'route.ts').map((file) => {
    const rel = path.relative(path.join(root, 'app'), path.dirname(file)).split(path.sep).join('/');
    const source = fs.readFileSync(file, 'utf8');
    const methods = METHODS.filter((m) => new RegExp(`export\\s+(async\\s+)?function\\s+${m}\\b|export\\s+const\\s+${m}\\b`).test(source));
    return { url: `/${rel.replace(/\[[^\]]+\]/g, 'main')}?key=team-a/app.tfstate`, methods };
  });
}

function pages(): string[] {
  return walk(path.join(root, 'app'), 'page.tsx').map((file) => {
    const rel = path.relative(path.join(root, 'app'), path.dirname(file)).split(path.sep).join('/');
    return `/${rel}`.replace(/\/$/, '') || '/';
  });
}

function useConfig(extra: Record<string, unknown>): void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-boundary-')), 'config.json');
  fs.writeFileSync(file, JSON.stringify({ backends: [{ id: 'main', bucket: 'tf-state', region: 'us-east-1' }, { id: 'other', bucket: 'tf-other', region: 'us-east-1' }], ...extra }));
  process.env.LOCKBOARD_CONFIG = file;
  resetConfigForTests();
}

const call = (url: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
  proxy(new NextRequest(new URL(url, 'http://127.0.0.1:3000'), { method: init.method ?? 'GET', headers: { host: '127.0.0.1:3000', ...init.headers } }));

const passed = (r: Response) => r.headers.get('x-middleware-next') === '1';

afterEach(() => {
  delete process.env.LOCKBOARD_CONFIG;
  resetConfigForTests();
});

describe('proxy mode: every route and page but /api/health is 401 without identity', () => {
  it('enumerates the routes and pages it checks', () => {
    expect(apiRoutes().length).toBeGreaterThanOrEqual(15);
    expect(pages()).toEqual(expect.arrayContaining(['/', '/states', '/state', '/audit']));
  });

  it('401 on every route method and page; /api/health passes', async () => {
    useConfig({ authMode: 'proxy' });
    const checked: string[] = [];
    for (const route of apiRoutes()) {
      for (const method of route.methods) {
        const r = await call(route.url, { method });
        if (route.url.startsWith('/api/health')) expect(passed(r), `${method} ${route.url}`).toBe(true);
        else {
          expect(r.status, `${method} ${route.url}`).toBe(401);
          expect((await r.json()).error.code).toBe('unauthorized');
          checked.push(`${method} ${route.url}`);
        }
      }
    }
    for (const page of pages()) {
      const r = await call(page);
      expect(r.status, page).toBe(401);
      checked.push(page);
    }
    // The object download, metrics and audit are among them.
    expect(checked.join('\n')).toMatch(/GET \/api\/backends\/main\/object/);
    expect(checked.join('\n')).toMatch(/GET \/api\/metrics/);
    expect(checked.join('\n')).toMatch(/GET \/api\/audit/);
  });

  it('passes a caller with the identity header; the build assets need none', async () => {
    useConfig({ authMode: 'proxy' });
    expect(passed(await call('/api/backends/main/locks', { headers: { 'x-forwarded-email': 'alice@example.com' } }))).toBe(true);
    expect(passed(await call('/_next/static/chunks/main.js'))).toBe(true);
  });

  it('metrics: the bearer token lets a scraper in without identity; a wrong token does not', async () => {
    useConfig({ authMode: 'proxy', metricsToken: 'scrape-token-0123456789' });
    expect(passed(await call('/api/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } }))).toBe(true);
    expect((await call('/api/metrics', { headers: { authorization: 'Bearer scrape-token-0123456788' } })).status).toBe(401);
    // The token opens metrics only.
    expect((await call('/api/backends/main/locks', { headers: { authorization: 'Bearer scrape-token-0123456789' } })).status).toBe(401);
  });

  it('a client cannot smuggle the internal verified-identity headers', async () => {
    useConfig({ authMode: 'proxy', authJwt: { type: 'jwks', jwksUrl: 'http://127.0.0.1:9/jwks', issuer: 'x', audience: 'y' } });
    const r = await call('/api/backends/main/locks', { headers: { 'x-lockboard-verified-user': 'admin', 'x-lockboard-verified-groups': '', 'x-lockboard-verified-proof': 'x', 'x-forwarded-email': 'admin' } });
    expect(r.status).toBe(401);
  });
});

describe('scoped reads', () => {
  const rules = {
    authMode: 'proxy',
    defaultRole: 'none',
    operators: ['ops@example.com'],
    accessRules: [
      { backends: ['main'], groups: ['team-a'], role: 'viewer' },
      { backends: ['main'], keys: ['team-a/**'], groups: ['team-a-leads'], role: 'stateReader' },
    ],
  };
  const as = (user: string, groups = '') => ({ 'x-forwarded-email': user, 'x-forwarded-groups': groups });

  it('viewer reads its backend, is 403 on another and on raw downloads', async () => {
    useConfig(rules);
    expect(passed(await call('/api/backends/main/locks', { headers: as('a@x', 'team-a') }))).toBe(true);
    expect(passed(await call('/api/backends/main/versions?key=team-b/app.tfstate', { headers: as('a@x', 'team-a') }))).toBe(true);
    const other = await call('/api/backends/other/locks', { headers: as('a@x', 'team-a') });
    expect(other.status).toBe(403);
    expect((await other.json()).error).toMatchObject({ code: 'forbidden', reason: 'not_allowed', role: 'viewer' });
    expect((await call('/api/backends/main/object?key=team-a/app.tfstate', { headers: as('a@x', 'team-a') })).status).toBe(403);
    expect((await call('/api/backends/main/locks', { headers: as('nobody@x') })).status).toBe(403);
    // The audit log: of a backend the caller views, yes; of another, or with no role anywhere, 403.
    expect(passed(await call('/api/audit?backend=main', { headers: as('a@x', 'team-a') }))).toBe(true);
    expect(passed(await call('/api/audit', { headers: as('a@x', 'team-a') }))).toBe(true);
    expect((await call('/api/audit?backend=other', { headers: as('a@x', 'team-a') })).status).toBe(403);
    expect((await call('/api/audit', { headers: as('nobody@x') })).status).toBe(403);
  });

  it('stateReader downloads only within its key glob; operators everywhere', async () => {
    useConfig(rules);
    const lead = as('l@x', 'team-a,team-a-leads');
    expect(passed(await call('/api/backends/main/object?key=team-a/app.tfstate', { headers: lead }))).toBe(true);
    expect((await call('/api/backends/main/object?key=team-b/app.tfstate', { headers: lead })).status).toBe(403);
    expect(passed(await call('/api/backends/other/object?key=x.tfstate', { headers: as('OPS@example.com') }))).toBe(true);
  });

  it('GET /api/session says per backend what the caller may do (for the UI)', async () => {
    useConfig({ ...rules, readOnly: false });
    const res = await sessionRoute(new Request('http://127.0.0.1:3000/api/session', { headers: as('l@x', 'team-a,team-a-leads') }));
    const body = await res.json();
    expect(body).toMatchObject({ user: 'l@x', groups: ['team-a', 'team-a-leads'], canMutate: false });
    expect(body.backends.main).toMatchObject({ role: 'stateReader', baseRole: 'none', canView: true, canDownload: true, canMutate: false, rules: [{ keys: ['**'], role: 'viewer' }, { keys: ['team-a/**'], role: 'stateReader' }] });
    // A backend the caller may not view is not named at all.
    expect(body.backends.other).toBeUndefined();
    const ops = await (await sessionRoute(new Request('http://127.0.0.1:3000/api/session', { headers: as('ops@example.com') }))).json();
    expect(ops.backends.other).toMatchObject({ role: 'operator', canMutate: true, canDownload: true });
  });

  it('default config: everyone authenticated views; raw downloads are operator-only', async () => {
    useConfig({ authMode: 'proxy', operators: ['ops@example.com'] });
    expect(passed(await call('/api/backends/main/diff?key=a.tfstate', { headers: as('a@x') }))).toBe(true);
    expect((await call('/api/backends/main/object?key=a.tfstate', { headers: as('a@x') })).status).toBe(403);
    expect(passed(await call('/api/backends/main/object?key=a.tfstate', { headers: as('ops@example.com') }))).toBe(true);
  });
});

describe('Host allow-list (DNS rebinding) and security headers', () => {
  it('mode none: a rebinding Host is 421 on every route and page; loopback and the public URL pass', async () => {
    useConfig({ publicUrl: 'https://locks.example.com' });
    for (const route of apiRoutes()) {
      if (route.url.startsWith('/api/health')) continue;
      for (const method of route.methods) {
        const r = await call(route.url, { method, headers: { host: 'rebind.example:3000' } });
        expect(r.status, `${method} ${route.url}`).toBe(421);
      }
    }
    for (const page of pages()) expect((await call(page, { headers: { host: 'rebind.example:3000' } })).status, page).toBe(421);
    expect(passed(await call('/api/backends/main/locks', { headers: { host: 'localhost:3000' } }))).toBe(true);
    expect(passed(await call('/', { headers: { host: 'locks.example.com' } }))).toBe(true);
    // Health answers whatever the Host (probes call it by IP).
    expect(passed(await call('/api/health', { headers: { host: '10.1.2.3:3000' } }))).toBe(true);
  });

  it('pages: nonce CSP with frame-ancestors none and no unsafe-inline scripts; API: deny-all CSP; HSTS only over HTTPS', async () => {
    useConfig({});
    const page = await call('/');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(/script-src[^;]*'unsafe-inline'/.test(csp)).toBe(false);
    // Next reads the nonce from the request's CSP header: the proxy forwards it.
    expect(page.headers.get('x-middleware-request-content-security-policy')).toBe(csp);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('strict-transport-security')).toBeNull();
    const second = (await call('/')).headers.get('content-security-policy');
    expect(second).not.toBe(csp);

    const api = await call('/api/backends', { headers: { 'x-forwarded-proto': 'https' } });
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(api.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const refused = await call('/api/backends', { headers: { host: 'evil.example' } });
    expect(refused.headers.get('x-frame-options')).toBe('DENY');
  });
});
