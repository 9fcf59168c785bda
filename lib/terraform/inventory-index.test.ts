import { describe, expect, it } from 'vitest';
import { chunkKey, INDEX_FORMAT, manifestKey, parseChunk, parseManifest, serialiseChunk, serialiseManifest } from './inventory-index';
import { parseConstraint, parseQuery, satisfies, searchIndex, tokenize, type IndexedState } from './inventory-search';
import { compileGlob, textGlob } from '../api/key-globs';
import { summariseState, type StateSummary } from './state-summary';

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';
const SHA = 'a'.repeat(64);

function state(key: string, tf: string, resources: unknown[], outputs: Record<string, unknown> = {}, backendId = 'b1'): IndexedState {
  const summary = summariseState(JSON.stringify({ version: 4, terraform_version: tf, serial: 1, lineage: 'l', outputs, resources }));
  return { backendId, key, etag: key, summary };
}
const res = (type: string, name: string, extra: Record<string, unknown> = {}) => ({ mode: 'managed', type, name, provider: AWS, instances: [{ attributes: {} }], ...extra });

const STATES: IndexedState[] = [
  state('app/terraform.tfstate', '1.5.7', [res('aws_iam_role', 'deployer'), res('aws_s3_bucket', 'logs')], { bucket_arn: { value: 'x' } }),
  state('net/terraform.tfstate', '1.11.4', [res('aws_iam_role', 'deployer', { module: 'module.ci["prod"]' }), res('aws_vpc', 'main'), res('random_id', 'x', { provider: 'provider["registry.terraform.io/hashicorp/random"]' })]),
  state('keys/terraform.tfstate', '1.6.0', [res('aws_instance', 'web', { instances: [{ index_key: 'a "q"', attributes: {} }, { index_key: 'ü', attributes: {} }, { index_key: 'b', attributes: {} }] })], { url: { value: 'u' } }),
  { backendId: 'b2', key: 'enc/terraform.tfstate', etag: 'e', summary: summariseState(JSON.stringify({ serial: 1, encrypted_data: 'x', encryption_version: 'v0' })) },
];

const search = (q: string) => searchIndex(STATES, parseQuery(q), textGlob);
const keys = (q: string) => search(q).hits.map((h) => h.key);

describe('search', () => {
  it('finds a resource address at the root and inside modules', () => {
    expect(keys('aws_iam_role.deployer')).toEqual(['app/terraform.tfstate', 'net/terraform.tfstate']);
    expect(search('aws_iam_role.deployer').hits[1]!.matches).toEqual(['module.ci["prod"].aws_iam_role.deployer']);
    expect(keys('module.ci*.aws_iam_role.*')).toEqual(['net/terraform.tfstate']);
  });

  it('supports wildcards and instance keys with quotes and unicode', () => {
    expect(keys('aws_*.web')).toEqual(['keys/terraform.tfstate']);
    expect(search('aws_instance.web["a \\"q\\""]').hits[0]!.matches).toEqual(['aws_instance.web["a \\"q\\""]']);
    expect(search('aws_instance.web["ü"]').hits[0]!.matchCount).toBe(1);
    expect(search('aws_instance.web[*]').hits[0]!.matchCount).toBe(3);
  });

  it('filters by type, module, provider, terraform version, output and state key', () => {
    expect(keys('type:aws_vpc')).toEqual(['net/terraform.tfstate']);
    expect(keys('module:ci')).toEqual(['net/terraform.tfstate']);
    expect(keys('module:root type:aws_iam_role')).toEqual(['app/terraform.tfstate']);
    expect(keys('provider:hashicorp/random')).toEqual(['net/terraform.tfstate']);
    expect(keys('provider:random')).toEqual(['net/terraform.tfstate']);
    expect(keys('tf:1.5')).toEqual(['app/terraform.tfstate']);
    expect(keys('tf:<1.6')).toEqual(['app/terraform.tfstate']);
    expect(keys('tf:>=1.6,<1.12')).toEqual(['net/terraform.tfstate', 'keys/terraform.tfstate']);
    expect(keys('output:bucket_*')).toEqual(['app/terraform.tfstate']);
    expect(keys('state:keys')).toEqual(['keys/terraform.tfstate']);
    expect(keys('type:aws_iam_role tf:1.11')).toEqual(['net/terraform.tfstate']);
  });

  it('matches the attack review\'s `state:*?…*?!` query in linear time (18 pairs took 19 s as a regular expression)', () => {
    const pattern = `${'*?'.repeat(18)}!`;
    const longKey = 'env:/production/network/core/terraform.tfstate';
    const states = [...STATES, state(longKey, '1.11.4', [res('aws_vpc', 'main')], { x: { value: 1 } })];
    for (const field of ['state', 'type', 'output', 'module']) {
      const r = searchIndex(states, parseQuery(`${field}:${pattern}`), textGlob);
      expect(r.total).toBe(0);
    }
    // The search matched through the one compiled glob; its last run (the long key) cost at most
    // two visits per token per character: 37 tokens, 46 characters.
    const glob = compileGlob(pattern, 'text');
    expect(glob.matches(longKey)).toBe(false);
    expect(glob.lastSteps).toBeLessThanOrEqual(2 * 38 * (longKey.length + 1));
    expect(keys(`state:${'*?'.repeat(10)}*`)).toEqual(['app/terraform.tfstate', 'net/terraform.tfstate', 'keys/terraform.tfstate', 'enc/terraform.tfstate']);
  });

  it('counts states it could not search instead of dropping them silently', () => {
    const r = search('type:aws_vpc');
    expect(r.unsearchable).toEqual({ encrypted: 1 });
  });

  it('says a provider version cannot be checked', () => {
    const r = search('provider:hashicorp/aws@4.x');
    expect(r.warnings.join(' ')).toMatch(/not versions/);
    expect(r.total).toBe(3);
  });

  it('rejects a bad version constraint with a warning', () => {
    const r = search('tf:banana');
    expect(r.warnings[0]).toMatch(/not a version constraint/);
  });

  it('tokenizes around quoted keys', () => {
    expect(tokenize('a.b["x y"] type:t')).toEqual(['a.b["x y"]', 'type:t']);
  });
});

describe('version constraints', () => {
  it.each([
    ['1.5.7', '1.5', true],
    ['1.6.0', '1.5', false],
    ['1.5.7', '~>1.5', true],
    ['1.9.0', '~>1.5', true],
    ['2.0.0', '~>1.5', false],
    ['1.5.9', '~>1.5.2', true],
    ['1.6.0', '~>1.5.2', false],
    ['1.11.4', '>=1.10', true],
    ['0.11.14', '<0.12', true],
    ['1.5.7', '!=1.5.7', false],
    ['1.10.0-beta1', '1.10', true],
  ])('%s satisfies %s: %s', (v, c, ok) => {
    expect(satisfies(v, parseConstraint(c)!)).toBe(ok);
  });
});

describe('stored format', () => {
  const summaries = new Map<string, StateSummary>(STATES.map((s) => [s.etag, s.summary]));

  it('serialises chunks deterministically and reads them back', () => {
    const a = serialiseChunk(summaries);
    const b = serialiseChunk(new Map([...summaries].reverse()));
    expect(a).toBe(b);
    const back = parseChunk(a);
    expect(back.status).toBe('ok');
    if (back.status === 'ok') expect(back.value.get('net/terraform.tfstate')).toEqual(summaries.get('net/terraform.tfstate'));
  });

  it('refuses chunks and manifests of a newer format, or corrupted', () => {
    expect(parseChunk(JSON.stringify({ format: INDEX_FORMAT + 1, kind: 'lockboard-index-chunk', summaries: {} }))).toEqual({ status: 'newer_format', format: INDEX_FORMAT + 1 });
    expect(parseChunk('{"format":1,"kind":"lockboard-index-chunk","summaries":{"x":{"kind":"plaintext"}}}').status).toBe('corrupt');
    expect(parseChunk('{"format":1,').status).toBe('corrupt');
    expect(parseManifest('garbage', 'b1').status).toBe('corrupt');
    expect(parseManifest(JSON.stringify({ format: 9, kind: 'lockboard-index-manifest' }), 'b1')).toEqual({ status: 'newer_format', format: 9 });
  });

  it('round-trips a manifest, bound to its backend', () => {
    const m = { format: INDEX_FORMAT, backend: 'b1', writtenBy: '0.1.0', updatedAt: 't', states: [{ key: 'k "ü"', etag: 'e', chunk: SHA }] };
    expect(parseManifest(serialiseManifest(m), 'b1')).toEqual({ status: 'ok', value: m });
    expect(parseManifest(serialiseManifest(m), 'b2').status).toBe('corrupt');
    expect(parseManifest(serialiseManifest({ ...m, states: [{ key: 'k', etag: 'e', chunk: '../x' }] }), 'b1').status).toBe('corrupt');
  });

  it('keeps index keys under lockboard-index/', () => {
    expect(manifestKey('prod')).toBe('lockboard-index/prod/v1/manifest.json');
    expect(chunkKey('prod', SHA)).toBe(`lockboard-index/prod/v1/chunks/${SHA}.json`);
  });
});
