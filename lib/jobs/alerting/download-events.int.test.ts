/**
 * Downloads no longer flood alert channels (issue 21 item 8): 2,106 raw downloads used to be 2,106
 * `mutation` events, so 2,106 Slack messages and webhook posts. A download is now its own event type
 * `download`, sent only to a channel that names it, and events from audit records are rate-limited per
 * actor (20 at once, then one every 30 s), the rest told in one summary event.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LockboardEvent } from '../../api/alerts';
import { notifyListeners, type AuditRecord } from '../../audit/audit-log';
import { useBackends } from '../../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../../scripts/lib/terraform-writer';
import { alertingIdle, flushHeldBack, resetAlertingForTests, startAlerting } from './alerting';

const w = new TerraformWriter();
const bucket = uniqueName('downloads');
const received = new Map<string, LockboardEvent[]>();
let server: http.Server;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      received.set(req.url!, [...(received.get(req.url!) ?? []), JSON.parse(body) as LockboardEvent]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.H21_DL_SECRET = 'downloads-test-secret';
  await w.createBucket(bucket);
  const hook = (name: string, events?: string[]) => ({ name, type: 'webhook', url: `${url}/${name}`, secretEnv: 'H21_DL_SECRET', retries: 0, ...(events ? { events } : {}) });
  useBackends([{ id: 'main', bucket }], { channels: [hook('changes', ['mutation']), hook('downloads', ['download']), hook('defaults')] });
  startAlerting();
  resetAlertingForTests();
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  w.destroy();
});

function completed(user: string, action: AuditRecord['action'], key: string): AuditRecord {
  const now = new Date().toISOString();
  return { id: crypto.randomUUID(), time: now, completedAt: now, user, anonymous: false, backend: 'main', key, action, reason: null, seen: { versionId: 'v1' }, outcome: 'succeeded', errorCode: null, errorMessage: null, details: null };
}

describe('2,106 raw downloads by one script', () => {
  it('reach only a channel that asks for downloads: 20 of them and one summary', async () => {
    for (let i = 0; i < 2106; i++) notifyListeners(completed('ci-bot@example.com', 'download', `app/${i % 40}/terraform.tfstate`));
    // The same actor's changes are limited apart from its downloads, and other actors are not held back.
    notifyListeners(completed('ci-bot@example.com', 'force-unlock', 'app/1/terraform.tfstate'));
    notifyListeners(completed('alice@example.com', 'download', 'prod/db/terraform.tfstate'));
    await alertingIdle();
    expect(flushHeldBack(Date.now(), true)).toBe(1);
    await alertingIdle();

    const changes = received.get('/changes') ?? [];
    const downloads = received.get('/downloads') ?? [];
    console.info(`[downloads] 2,106 downloads + 1 change: changes channel ${changes.length}, downloads channel ${downloads.length}, default channel ${(received.get('/defaults') ?? []).length}`);
    expect(changes.map((e) => [e.type, e.mutation?.action])).toEqual([['mutation', 'force-unlock']]);
    expect(received.get('/defaults') ?? []).toEqual([]);
    expect(downloads.every((e) => e.type === 'download')).toBe(true);
    expect(downloads.filter((e) => e.mutation?.actor === 'ci-bot@example.com')).toHaveLength(20);
    expect(downloads.filter((e) => e.mutation?.actor === 'alice@example.com')).toHaveLength(1);
    const summary = downloads.filter((e) => e.rateLimited);
    expect(summary).toHaveLength(1);
    expect(summary[0]!.rateLimited).toMatchObject({ actor: 'ci-bot@example.com', suppressed: 2086 });
    expect(summary[0]!.summary).toMatch(/^2086 more raw state downloads by ci-bot@example\.com/);
  });
});
