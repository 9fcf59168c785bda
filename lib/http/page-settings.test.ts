/**
 * Every page is rendered for its caller: in proxy mode with access rules, a page names only the
 * backends (buckets, tables) the caller may view, and the Alerts page shows only their events.
 * Each page's server component is called with the request headers proxy.ts passes on (Next's
 * `headers()`, stubbed), and the element tree it returns (what Next serialises into the HTML) is
 * searched for the other backend's bucket and table.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetConfigForTests } from '../server/config';
import { resetAlertingForTests, sendTestMessage } from '../jobs/alerting/alerting';

let requestHeaders = new Headers();
vi.mock('next/headers', () => ({ headers: async () => requestHeaders }));

const root = path.resolve(import.meta.dirname, '..', '..');
let server: http.Server;

/** Every page.tsx under app/, as its module path. */
function pageFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === 'page.tsx' ? [path.join(dir, e.name)] : []));
  return walk(path.join(root, 'app'));
}

/** Every string and number in an element tree's props (what Next serialises), as JSON. */
function propsText(node: unknown, seen = new Set<unknown>()): string {
  if (typeof node === 'string' || typeof node === 'number') return JSON.stringify(node);
  if (node === null || typeof node !== 'object' || seen.has(node)) return '';
  seen.add(node);
  // A React element: only its props (its type is a component function or a tag name).
  const value = '$$typeof' in node ? (node as { props?: unknown }).props : node;
  if (value === null || typeof value !== 'object') return '';
  return Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${propsText(v, seen)}`)
    .join(',');
}

async function render(file: string): Promise<string> {
  const page = (await import(file)) as { default: (props: { searchParams: Promise<Record<string, string>> }) => unknown };
  return propsText(await page.default({ searchParams: Promise.resolve({ backend: 'other', key: 'app/terraform.tfstate' }) }));
}

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  server = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.env.PAGES_HOOK_SECRET = 'secret';
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-pages-')), 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      // `other` first: the test message's event names the first backend.
      backends: [
        { id: 'other', bucket: 'secret-other-bucket', dynamodbTable: 'secret-other-table', region: 'us-east-1' },
        { id: 'main', bucket: 'team-a-bucket', region: 'us-east-1' },
      ],
      authMode: 'proxy',
      defaultRole: 'none',
      operators: ['ops@example.com'],
      accessRules: [{ backends: ['main'], groups: ['team-a'], role: 'viewer' }],
      channels: [{ name: 'hook', type: 'webhook', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secretEnv: 'PAGES_HOOK_SECRET', retries: 0 }],
    }),
  );
  process.env.LOCKBOARD_CONFIG = file;
  resetConfigForTests();
  resetAlertingForTests();
  // An event of `other` on the Alerts page.
  await sendTestMessage('hook', 'ops@example.com');
});

afterAll(async () => {
  delete process.env.LOCKBOARD_CONFIG;
  resetConfigForTests();
  await new Promise((r) => server.close(r));
});

describe('pages in proxy mode with access rules', () => {
  it('checks every page', () => {
    expect(pageFiles().map((f) => path.relative(path.join(root, 'app'), f))).toEqual(expect.arrayContaining(['page.tsx', 'states/page.tsx', 'alerts/page.tsx', 'audit/page.tsx', 'state/page.tsx']));
  });

  it("name only the caller's backends; the operator's pages name both", async () => {
    for (const file of pageFiles()) {
      const name = path.relative(root, file);
      requestHeaders = new Headers({ 'x-forwarded-email': 'alice@example.com', 'x-forwarded-groups': 'team-a' });
      const alice = await render(file);
      expect(alice, name).not.toMatch(/secret-other-(bucket|table)/);
      expect(alice, name).not.toContain('"other"');
      requestHeaders = new Headers({ 'x-forwarded-email': 'nobody@example.com' });
      expect(await render(file), name).not.toMatch(/secret-other|team-a-bucket/);
    }
    requestHeaders = new Headers({ 'x-forwarded-email': 'ops@example.com' });
    expect(await render(path.join(root, 'app', 'page.tsx'))).toMatch(/secret-other-bucket[\s\S]*team-a-bucket/);
    expect(await render(path.join(root, 'app', 'alerts', 'page.tsx'))).toContain('Test message from Lockboard');
    // Importing every page (and its client components) the first time takes a while.
  }, 60_000);
});
