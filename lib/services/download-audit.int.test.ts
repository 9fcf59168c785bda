/**
 * Raw state downloads: only for the stateReader role (operators by default), and every one audited
 * (who, which key, which version) before a byte is sent; no audit store, no download.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as objectGet } from '@/app/api/backends/[id]/object/route';
import { useBackends } from '../testing/integration-env';
import { readAuditObjects } from '../testing/mutation-requests';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const bucket = uniqueName('dlaudit');
const KEY = 'team-a/app.tfstate';
const OTHER = 'team-b/app.tfstate';
const versions: Record<string, string> = {};

function download(key: string, headers: Record<string, string>, versionId?: string): Promise<Response> {
  const query = new URLSearchParams({ key, ...(versionId ? { versionId } : {}) });
  return objectGet(new Request(`http://localhost/api/backends/main/object?${query}`, { headers }), { params: Promise.resolve({ id: 'main' }) });
}

const RULES = {
  authMode: 'proxy',
  operators: ['ops@example.com'],
  accessRules: [{ backends: ['main'], keys: ['team-a/**'], groups: ['team-a-leads'], role: 'stateReader' }],
};

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  versions.one = (await w.putState(bucket, KEY, stateDocument({ serial: 1, lineage: 'l' }))).versionId!;
  versions.two = (await w.putState(bucket, KEY, stateDocument({ serial: 2, lineage: 'l' }))).versionId!;
  await w.putState(bucket, OTHER, stateDocument({ serial: 1, lineage: 'm' }));
});

describe('raw download', () => {
  it('a viewer (default role) is 403; nothing is audited', async () => {
    useBackends([{ id: 'main', bucket }], RULES);
    const before = (await readAuditObjects(w, bucket, 'lockboard-audit/')).length;
    const res = await download(KEY, { 'x-forwarded-email': 'viewer@example.com' });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ code: 'forbidden', role: 'stateReader' });
    expect((await readAuditObjects(w, bucket, 'lockboard-audit/')).length).toBe(before);
  });

  it('a stateReader downloads within its glob, is 403 outside; each download is audited with the version', async () => {
    useBackends([{ id: 'main', bucket }], RULES);
    const lead = { 'x-forwarded-email': 'lead@example.com', 'x-forwarded-groups': 'team-a-leads' };
    const res = await download(KEY, lead, versions.one);
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text())).toMatchObject({ serial: 1 });
    expect((await download(OTHER, lead)).status).toBe(403);
    const ops = await download(OTHER, { 'x-forwarded-email': 'ops@example.com' });
    expect(ops.status).toBe(200);
    await ops.text();

    const records = (await readAuditObjects(w, bucket, 'lockboard-audit/')).filter((r) => r.action === 'download');
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user: 'lead@example.com', key: KEY, outcome: 'succeeded', seen: expect.objectContaining({ versionId: versions.one }) }),
        expect.objectContaining({ user: 'ops@example.com', key: OTHER, outcome: 'succeeded' }),
      ]),
    );
    expect(records.filter((r) => r.user === 'lead@example.com' && r.key === OTHER)).toEqual([]);
  });

  it('when the audit record cannot be stored, the download is refused with 503', async () => {
    useBackends([{ id: 'main', bucket }], { ...RULES, auditBucket: uniqueName('missing-audit') });
    const res = await download(KEY, { 'x-forwarded-email': 'ops@example.com' });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('audit_unavailable');
  });
});
