/**
 * POST /api/alerts/test through the real route (proxy mode, access rules, a local webhook receiver):
 * a caller who is an operator only on `main` may not send to a channel that covers only `other`, and
 * each caller may send at most 5 test messages a minute (429 with Retry-After after that).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as testRoute } from '@/app/api/alerts/test/route';
import { resetConfigForTests } from '../server/config';
import { APP_ORIGIN, SAME_ORIGIN_HEADERS } from '../testing/mutation-requests';

let server: http.Server;
const received: string[] = [];

const send = async (channel: string, user: string, groups = '') => {
  const response = await testRoute(new Request(`${APP_ORIGIN}/api/alerts/test`, { method: 'POST', headers: { ...SAME_ORIGIN_HEADERS, 'x-forwarded-email': user, 'x-forwarded-groups': groups }, body: JSON.stringify({ channel }) }));
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error?: { code: string; message: string } } };
};

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  server = http.createServer((req, res) => {
    received.push(req.url ?? '');
    req.resume().on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = (p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${p}`;
  process.env.TEST_ROUTE_SECRET = 'secret';
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-alert-test-')), 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      backends: [
        { id: 'main', bucket: 'main-bucket', region: 'us-east-1' },
        { id: 'other', bucket: 'other-bucket', region: 'us-east-1' },
      ],
      authMode: 'proxy',
      operators: ['ops@example.com'],
      accessRules: [{ backends: ['main'], groups: ['team-a'], role: 'operator' }],
      channels: [
        { name: 'other-only', type: 'webhook', url: url('other'), secretEnv: 'TEST_ROUTE_SECRET', backends: ['other'], retries: 0 },
        { name: 'everything', type: 'webhook', url: url('all'), secretEnv: 'TEST_ROUTE_SECRET', retries: 0 },
      ],
    }),
  );
  process.env.LOCKBOARD_CONFIG = file;
  resetConfigForTests();
});

afterAll(async () => {
  delete process.env.LOCKBOARD_CONFIG;
  resetConfigForTests();
  await new Promise((r) => server.close(r));
});

describe('POST /api/alerts/test', () => {
  it("needs the operator role on a backend the channel covers", async () => {
    const refused = await send('other-only', 'alice@example.com', 'team-a');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', reason: 'not_allowed', role: 'operator' });
    expect(received).toEqual([]);
    expect((await send('everything', 'alice@example.com', 'team-a')).status).toBe(200);
    expect((await send('other-only', 'ops@example.com')).status).toBe(200);
    expect(received).toEqual(['/all', '/other']);
    // A viewer (no operator role anywhere) is refused as before.
    expect((await send('everything', 'viewer@example.com')).status).toBe(403);
  });

  it('sends at most 5 test messages a minute per caller, then 429 with Retry-After', async () => {
    received.length = 0;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof send>> | null = null;
    for (let i = 0; i < 8; i++) {
      last = await send('everything', 'bob@example.com', 'team-a');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(last!.body.error).toMatchObject({ code: 'rate_limited' });
    expect(Number(last!.retryAfter)).toBeGreaterThan(0);
    expect(received).toHaveLength(5);
    // Another caller is not held back by bob.
    expect((await send('everything', 'carol@example.com', 'team-a')).status).toBe(200);
  });
});
