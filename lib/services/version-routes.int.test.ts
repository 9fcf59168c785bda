/**
 * The version routes end to end (route handler → service → moto): input validation, typed errors,
 * exact download bytes, and no secret in any JSON answer.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as diffGet } from '@/app/api/backends/[id]/diff/route';
import { GET as objectGet } from '@/app/api/backends/[id]/object/route';
import { GET as metadataGet } from '@/app/api/backends/[id]/version-metadata/route';
import { GET as versionsGet } from '@/app/api/backends/[id]/versions/route';
import { useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
afterAll(() => w.destroy());

type Route = (request: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
function call(route: Route, path: string, id: string, query: Record<string, string>): Promise<Response> {
  const url = `http://localhost/api/backends/${id}/${path}?${new URLSearchParams(query)}`;
  return route(new Request(url), { params: Promise.resolve({ id }) });
}

const KEY = 'env:/prod/app/terraform.tfstate';
const LINEAGE = 'd4e5f6a7-0000-4000-8000-000000000004';
const SECRET_OUT = 'route-output-secret-41';
const SECRET_ATTR = 'route-attr-secret-42';

describe('version routes', () => {
  const bucket = uniqueName('routes');
  const v: Record<string, string> = {};
  // Binary-ish bytes to prove the download is byte-exact.
  const raw = Buffer.concat([Buffer.from('{"version":4,"serial":1,"lineage":"x"}\n'), crypto.randomBytes(64)]);

  beforeAll(async () => {
    await w.createBucket(bucket);
    const doc = (serial: number, secret: string) =>
      stateDocument({
        serial,
        lineage: LINEAGE,
        resources: [{ mode: 'managed', type: 'random_password', name: 'pw', provider: 'p', instances: [{ attributes: { result: `${secret}-${serial}`, length: 20 + serial }, sensitive_attributes: [[{ type: 'get_attr', value: 'result' }]] }] }],
        outputs: { pw: { value: `${SECRET_OUT}-${serial}`, type: 'string', sensitive: true } },
      });
    v.one = (await w.putState(bucket, KEY, doc(1, SECRET_ATTR))).versionId!;
    v.two = (await w.putState(bucket, KEY, doc(2, SECRET_ATTR))).versionId!;
    v.raw = (await w.putState(bucket, KEY, raw)).versionId!;
    useBackends([{ id: 'r', bucket }]);
  });

  it('lists versions, and rejects bad input with 400', async () => {
    const ok = await call(versionsGet, 'versions', 'r', { key: KEY });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { versions: Array<{ versionId: string }>; versioning: string };
    expect(body.versions.map((x) => x.versionId)).toEqual([v.raw, v.two, v.one]);
    expect(body.versioning).toBe('Enabled');
    for (const query of [{}, { key: '' }, { key: KEY, writers: 'maybe' }, { key: 'x'.repeat(1100) }]) {
      const res = await call(versionsGet, 'versions', 'r', query as Record<string, string>);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
    expect((await call(versionsGet, 'versions', 'nope', { key: KEY })).status).toBe(404);
  });

  it('answers 404 version_not_found for an unknown version, 400 for a missing one', async () => {
    const res = await call(metadataGet, 'version-metadata', 'r', { key: KEY, versionId: 'does-not-exist' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('version_not_found');
    expect((await call(metadataGet, 'version-metadata', 'r', { key: KEY })).status).toBe(400);
    expect((await call(diffGet, 'diff', 'r', { key: KEY, from: v.one!, to: 'bogus' })).status).toBe(404);
    expect((await call(diffGet, 'diff', 'r', { key: KEY, from: v.one!, to: v.two!, limit: '0' })).status).toBe(400);
    expect((await call(objectGet, 'object', 'r', { key: KEY, versionId: 'bogus' })).status).toBe(404);
  });

  it('downloads the exact bytes of a version as an attachment', async () => {
    const res = await call(objectGet, 'object', 'r', { key: KEY, versionId: v.raw! });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="env_prod_app_terraform-${v.raw}.tfstate"; filename*=UTF-8''env_prod_app_terraform-${v.raw}.tfstate`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const current = await call(objectGet, 'object', 'r', { key: KEY });
    expect(Buffer.from(await current.arrayBuffer()).equals(raw)).toBe(true);
  });

  it('never puts a secret in a JSON answer', async () => {
    const diff = await call(diffGet, 'diff', 'r', { key: KEY, from: v.one!, to: v.two! });
    expect(diff.status).toBe(200);
    const text = await diff.text();
    expect(text).toContain('(sensitive)');
    expect(text).toContain('"length"');
    const meta = await (await call(metadataGet, 'version-metadata', 'r', { key: KEY, versionId: v.two! })).text();
    const versions = await (await call(versionsGet, 'versions', 'r', { key: KEY, writers: '1' })).text();
    for (const answer of [text, meta, versions]) {
      expect(answer).not.toContain(SECRET_OUT);
      expect(answer).not.toContain(SECRET_ATTR);
    }
    // The latest version is not a state: the default diff says so instead of failing.
    const byDefault = (await (await call(diffGet, 'diff', 'r', { key: KEY })).json()) as { comparable: boolean; note: string };
    expect(byDefault.comparable).toBe(false);
    expect(byDefault.note).toMatch(/not JSON|not a Terraform state/);
  });
});
