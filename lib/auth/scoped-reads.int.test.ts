/**
 * Reads that span backends show only the backends the caller may view (proxy mode, access rules,
 * real routes on moto): search hits, the audit log without `backend=`, the metrics series (all of
 * them for the scraper's token) and the alerts overview. Alice views `main` only; Nobody has no role;
 * Ops is operator everywhere and changes both backends, so each has an audit record and an event.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as alertsRoute } from '@/app/api/alerts/route';
import { GET as auditRoute } from '@/app/api/audit/route';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { GET as locksRoute } from '@/app/api/backends/[id]/locks/route';
import { GET as metricsRoute } from '@/app/api/metrics/route';
import { GET as searchRoute } from '@/app/api/search/route';
import type { AlertsOverview } from '../api/alerts';
import type { AuditListing } from '../api/audit';
import type { SearchResponse } from '../api/inventory';
import { useBackends } from '../testing/integration-env';
import { callMutation } from '../testing/mutation-requests';
import { refreshInventory, resetInventoriesForTests } from '../services/inventory';
import { alertingIdle, resetAlertingForTests, startAlerting } from '../jobs/alerting/alerting';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
const mainBucket = uniqueName('scopemain');
const otherBucket = uniqueName('scopeother');
const TOKEN = 'scrape-token-0123456789';
let server: http.Server;

const alice = { 'x-forwarded-email': 'alice@example.com', 'x-forwarded-groups': 'team-a' };
const nobody = { 'x-forwarded-email': 'nobody@example.com' };
const ops = { 'x-forwarded-email': 'ops@example.com' };

const get = async <T>(route: (r: Request) => Promise<Response>, path: string, headers: Record<string, string>): Promise<{ status: number; body: T; text: string }> => {
  const response = await route(new Request(`http://lockboard.test${path}`, { headers }));
  const text = await response.text();
  return { status: response.status, text, body: (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null) as T };
};

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  server = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.env.SCOPE_HOOK_SECRET = 'secret';
  for (const bucket of [mainBucket, otherBucket]) {
    await w.createBucket(bucket);
    await w.putState(bucket, 'app/terraform.tfstate', stateDocument({ serial: 1, lineage: `${bucket}-l`, resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'logs', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ attributes: { id: bucket } }] }] }));
  }
  useBackends(
    [
      { id: 'main', bucket: mainBucket },
      { id: 'other', bucket: otherBucket },
    ],
    {
      authMode: 'proxy',
      defaultRole: 'none',
      operators: ['ops@example.com'],
      metricsToken: TOKEN,
      accessRules: [{ backends: ['main'], groups: ['team-a'], role: 'viewer' }],
      channels: [{ name: 'hook', type: 'webhook', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secretEnv: 'SCOPE_HOOK_SECRET', events: ['mutation'], retries: 0, timeoutSeconds: 2 }],
    },
  );
  resetInventoriesForTests();
  startAlerting();
  resetAlertingForTests();
  // Ops changes both backends: a lock released in each, so each has an audit record and an event.
  for (const [id, bucket] of [['main', mainBucket], ['other', otherBucket]] as const) {
    const info = TerraformWriter.lockInfo(bucket, 'app/terraform.tfstate');
    await w.lockFile(bucket, 'app/terraform.tfstate', info);
    const r = await callMutation(unlockRoute, 'unlock', id, { key: 'app/terraform.tfstate', id: info.id, reason: 'scope test' }, { headers: ops });
    expect(r.status).toBe(200);
    // A read of each backend, so each has metrics series.
    expect((await locksRoute(new Request(`http://lockboard.test/api/backends/${id}/locks`, { headers: ops }), { params: Promise.resolve({ id }) })).status).toBe(200);
  }
  await alertingIdle();
  await refreshInventory('main');
  await refreshInventory('other');
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  w.destroy();
});

describe('reads across backends, per caller', () => {
  it('GET /api/search: hits of the backends the caller may view only', async () => {
    const backendsOf = async (headers: Record<string, string>) => (await get<SearchResponse>(searchRoute, '/api/search?q=aws_s3_bucket.logs', headers)).body.hits.map((h) => h.backendId).sort();
    expect(await backendsOf(ops)).toEqual(['main', 'other']);
    expect(await backendsOf(alice)).toEqual(['main']);
    expect(await backendsOf(nobody)).toEqual([]);
  });

  it('GET /api/audit without backend=: the records of the backends the caller may view only', async () => {
    const backendsOf = async (headers: Record<string, string>) => [...new Set((await get<AuditListing>(auditRoute, '/api/audit?limit=50', headers)).body.records.map((r) => r.backend))].sort();
    expect(await backendsOf(ops)).toEqual(['main', 'other']);
    expect(await backendsOf(alice)).toEqual(['main']);
  });

  it('GET /api/metrics: the series of the backends the caller may view; the token sees all', async () => {
    const series = (text: string) => [...new Set([...text.matchAll(/backend="([^"]+)"/g)].map((m) => m[1]))].sort();
    const scraper = await get(metricsRoute, '/api/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(series(scraper.text)).toEqual(['main', 'other']);
    expect(series((await get(metricsRoute, '/api/metrics', ops)).text)).toEqual(['main', 'other']);
    const own = await get(metricsRoute, '/api/metrics', alice);
    expect(series(own.text)).toEqual(['main']);
    // The rest of the exposition is intact.
    expect(own.text).toContain('# TYPE lockboard_backend_reads_total counter');
    expect(series((await get(metricsRoute, '/api/metrics', nobody)).text)).toEqual([]);
  });

  it('GET /api/alerts: events, their deliveries and the channels of the backends the caller may view', async () => {
    const everything = (await get<AlertsOverview>(alertsRoute, '/api/alerts', ops)).body;
    expect([...new Set(everything.events.map((e) => e.backend.id))].sort()).toEqual(['main', 'other']);
    const own = (await get<AlertsOverview>(alertsRoute, '/api/alerts', alice)).body;
    expect(own.events.length).toBeGreaterThan(0);
    expect(own.events.every((e) => e.backend.id === 'main')).toBe(true);
    const mainEvents = new Set(own.events.map((e) => e.id));
    expect(own.attempts.length).toBeGreaterThan(0);
    expect(own.attempts.every((a) => mainEvents.has(a.eventId))).toBe(true);
    expect(own.channels.map((c) => c.name)).toEqual(['hook']);
    const none = (await get<AlertsOverview>(alertsRoute, '/api/alerts', nobody)).body;
    expect(none).toMatchObject({ events: [], attempts: [], channels: [] });
  });
});
