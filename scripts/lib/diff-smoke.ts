/**
 * Diffs through a BUILT server (the standalone smoke, i.e. exactly the image's files): the diff and
 * the metadata of a large version run in a worker thread that the bundler emits as a chunk of its
 * own, so only a real build shows that the thread starts, answers, masks, and stops at its limits.
 */
import { stateDocument, type TerraformWriter } from './terraform-writer';

const KEY = 'smoke/diff/terraform.tfstate';
const DEEP_KEY = 'smoke/deep/terraform.tfstate';
const SECRET = 'smoke-secret-7f3a9c1e';

export interface DiffSmokeVersions {
  plain: [string, string];
  deep: [string, string];
}

function withResources(serial: number, resources: unknown[]): string {
  return stateDocument({ serial, lineage: 'e5f6a7b8-0000-4000-8000-00000000d1ff', resources });
}

/** Seeds two versions with a sensitive value (the second over 1 MiB), and two nested 100,000 deep. */
export async function seedDiffSmoke(w: TerraformWriter, bucket: string): Promise<DiffSmokeVersions> {
  const db = (password: string, size: string) => ({
    mode: 'managed',
    type: 'aws_db_instance',
    name: 'main',
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ schema_version: 0, attributes: { id: 'db-1', instance_class: size, password, padding: 'x'.repeat(size === 'large' ? 1_200_000 : 10) }, sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]] }],
  });
  const plain: [string, string] = [
    (await w.putState(bucket, KEY, withResources(1, [db(`${SECRET}-old`, 'small')]))).versionId!,
    (await w.putState(bucket, KEY, withResources(2, [db(`${SECRET}-new`, 'large')]))).versionId!,
  ];
  const nested = (serial: number) => withResources(serial, []).replace('"resources": []', `"resources": [{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"attributes":{"x":${'['.repeat(100_000)}${serial}${']'.repeat(100_000)}}}]}]`);
  const deep: [string, string] = [(await w.putState(bucket, DEEP_KEY, nested(1))).versionId!, (await w.putState(bucket, DEEP_KEY, nested(2))).versionId!];
  return { plain, deep };
}

/** Checks the diffs on a running server (`base`, backend `backendId`); throws on the first failure, else says what held. */
export async function checkDiffSmoke(base: string, backendId: string, v: DiffSmokeVersions, headers: Record<string, string> = {}): Promise<string> {
  const get = async (path: string, params: Record<string, string>) => {
    const res = await fetch(`${base}/api/backends/${backendId}/${path}?${new URLSearchParams(params)}`, { headers });
    return { status: res.status, text: await res.text() };
  };
  const diff = await get('diff', { key: KEY, from: v.plain[0], to: v.plain[1] });
  if (diff.status !== 200) throw new Error(`the diff got ${diff.status}: ${diff.text.slice(0, 300)}`);
  if (diff.text.includes(SECRET)) throw new Error('the diff shows a sensitive value');
  const body = JSON.parse(diff.text) as { resources?: Array<{ changes?: Array<{ path: string; after?: unknown }> }> };
  const change = body.resources?.[0]?.changes?.find((c) => c.path === 'instance_class');
  if (change?.after !== 'large') throw new Error(`the diff lacks the instance_class change: ${diff.text.slice(0, 300)}`);
  const deep = await get('diff', { key: DEEP_KEY, from: v.deep[0], to: v.deep[1] });
  if (deep.status !== 422 || !deep.text.includes('"state_too_large"') || !deep.text.includes('"depth"')) throw new Error(`a state nested 100,000 deep got ${deep.status}: ${deep.text.slice(0, 300)}`);
  const meta = await get('version-metadata', { key: KEY, versionId: v.plain[1] });
  if (meta.status !== 200 || !meta.text.includes('"serial":2')) throw new Error(`the metadata of a 1.2 MB version got ${meta.status}: ${meta.text.slice(0, 300)}`);
  const health = await fetch(`${base}/api/health`);
  if (!health.ok) throw new Error(`/api/health got ${health.status} after the diffs`);
  return 'a diff and a large version\'s metadata answer from the worker thread with secrets masked; a state nested 100,000 deep is 422 state_too_large';
}
