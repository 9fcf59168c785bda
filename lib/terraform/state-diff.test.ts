import { describe, expect, it } from 'vitest';
import { stateDocument } from '../../scripts/lib/terraform-writer';
import { serialDownWarning } from './diff-warnings';
import { diffStates, instanceAddress, jsonEqual, pageOfDiff, presentValue, SENSITIVE_MASK, sensitiveMask, type StateDiff } from './state-diff';
import { parseStateFile } from './state-file';

const LINEAGE = '3f1c2a7e-1b2c-4d5e-8f90-a1b2c3d4e5f6';
const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

type Instance = Record<string, unknown>;
function resource(type: string, name: string, instances: Instance[], extra: Record<string, unknown> = {}) {
  return { mode: 'managed', type, name, provider: AWS, instances: instances.map((i) => ({ schema_version: 0, sensitive_attributes: [], ...i })), ...extra };
}

function state(serial: number, resources: unknown[], outputs: Record<string, unknown> = {}, lineage = LINEAGE) {
  return parseStateFile(stateDocument({ serial, lineage, resources, outputs }));
}

const getAttr = (value: string) => ({ type: 'get_attr', value });
const index = (value: string | number) => ({ type: 'index', value: { value, type: typeof value === 'number' ? 'number' : 'string' } });

describe('addresses', () => {
  it('builds Terraform addresses from module, mode, type, name and index key', () => {
    expect(instanceAddress({ module: 'module.a', mode: 'managed', type: 'aws_instance', name: 'web', indexKey: 'x' })).toBe('module.a.aws_instance.web["x"]');
    expect(instanceAddress({ mode: 'data', type: 'x', name: 'y', indexKey: 0 })).toBe('data.x.y[0]');
    expect(instanceAddress({ module: 'module.a["k"].module.b[2]', mode: 'managed', type: 't', name: 'n' })).toBe('module.a["k"].module.b[2].t.n');
    expect(instanceAddress({ mode: 'managed', type: 't', name: 'n', deposed: 'abcd1234' })).toBe('t.n (deposed abcd1234)');
  });
});

describe('diffing two states', () => {
  const v1 = state(1, [
    resource('aws_instance', 'web', [
      { index_key: 'a', attributes: { id: 'i-1', ami: 'ami-old', tags: { Name: 'a', Team: 'x' }, sg: ['sg-1', 'sg-2'] } },
      { index_key: 'b', attributes: { id: 'i-2', ami: 'ami-old' } },
    ]),
    resource('aws_s3_bucket', 'gone', [{ attributes: { id: 'bucket' } }]),
    { mode: 'data', type: 'aws_ami', name: 'ubuntu', provider: AWS, instances: [{ index_key: 0, attributes: { id: 'ami-1' } }] },
  ]);
  const v2 = state(2, [
    resource('aws_instance', 'web', [
      { index_key: 'a', attributes: { id: 'i-1', ami: 'ami-new', tags: { Name: 'a', 'cost center': '7' }, sg: ['sg-1'] } },
      { index_key: 'b', attributes: { id: 'i-2', ami: 'ami-old' } },
    ]),
    resource('aws_instance', 'db', [{ attributes: { id: 'i-3' } }], { module: 'module.data' }),
    { mode: 'data', type: 'aws_ami', name: 'ubuntu', provider: AWS, instances: [{ index_key: 0, attributes: { id: 'ami-2' } }] },
  ]);

  it('lists added, removed and changed instances by address with counts', () => {
    const d = diffStates(v1, v2);
    expect(d.comparable).toBe(true);
    expect(d.summary.resources).toEqual({ added: 1, removed: 1, changed: 2, unchanged: 1 });
    expect(d.resources.map((r) => [r.address, r.action])).toEqual([
      ['aws_instance.web["a"]', 'changed'],
      ['aws_s3_bucket.gone', 'removed'],
      ['data.aws_ami.ubuntu[0]', 'changed'],
      ['module.data.aws_instance.db', 'added'],
    ]);
    const db = d.resources.find((r) => r.action === 'added')!;
    expect(db).toMatchObject({ module: 'module.data', mode: 'managed', type: 'aws_instance', name: 'db', indexKey: null });
  });

  it('gives the changed attribute paths with before and after values', () => {
    const web = diffStates(v1, v2).resources[0]!;
    expect(web.changes).toEqual([
      { path: 'ami', action: 'changed', before: 'ami-old', after: 'ami-new' },
      { path: 'sg[1]', action: 'removed', before: 'sg-2' },
      { path: 'tags.Team', action: 'removed', before: 'x' },
      { path: 'tags["cost center"]', action: 'added', after: '7' },
    ]);
  });

  it('reports instance meta changes (status, provider)', () => {
    const a = state(1, [resource('t', 'n', [{ attributes: { id: '1' } }])]);
    const b = state(2, [resource('t', 'n', [{ attributes: { id: '1' }, status: 'tainted' }], { provider: 'provider["x"]' })]);
    expect(diffStates(a, b).resources[0]!.changes.map((c) => c.path)).toEqual(['(provider)', '(status)']);
  });

  it('diffs outputs', () => {
    const a = state(1, [], { keep: { value: 1, type: 'number' }, old: { value: 'x', type: 'string' }, url: { value: 'a', type: 'string' } });
    const b = state(2, [], { keep: { value: 1, type: 'number' }, url: { value: 'b', type: 'string' }, new: { value: ['l'], type: ['list', 'string'] } });
    const d = diffStates(a, b);
    expect(d.summary.outputs).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 1 });
    expect(d.outputs).toEqual([
      { name: 'new', action: 'added', sensitive: false, after: ['l'] },
      { name: 'old', action: 'removed', sensitive: false, before: 'x' },
      { name: 'url', action: 'changed', sensitive: false, before: 'a', after: 'b' },
    ]);
  });

  it('warns about a lineage change and a serial that goes down', () => {
    const d = diffStates(state(5, []), state(3, [], {}, 'other-lineage'));
    expect(d.warnings.join(' ')).toMatch(/lineages differ/);
    expect(d.warnings.join(' ')).toMatch(/serial goes down/);
    // Exactly the text the restore preview recognises and leaves out.
    expect(d.warnings).toContain(serialDownWarning(5, 3));
  });

  it('treats an empty version as no state', () => {
    const d = diffStates(parseStateFile(''), v1);
    expect(d.comparable).toBe(true);
    expect(d.summary.resources.added).toBe(4);
  });

  it('gives a note instead of a diff for encrypted, non-JSON, other JSON and v3 inputs', () => {
    const encrypted = parseStateFile('{"serial":3,"lineage":"l","meta":{},"encrypted_data":"AAAA","encryption_version":"v0"}');
    const cases: Array<[StateDiff, RegExp]> = [
      [diffStates(v1, encrypted), /encrypted/],
      [diffStates(parseStateFile('not json'), v1), /not JSON/],
      [diffStates(v1, parseStateFile('[1]')), /not a Terraform state document/],
      [diffStates(parseStateFile('{"version":3,"modules":[]}'), v1), /format version 3/],
    ];
    for (const [d, note] of cases) {
      expect(d.comparable).toBe(false);
      expect(d.note).toMatch(note);
      expect(d.resources).toEqual([]);
    }
    expect(diffStates(v1, encrypted).to).toMatchObject({ kind: 'encrypted', serial: 3 });
  });

  it('pages the resource changes', () => {
    const d = diffStates(v1, v2);
    const page = pageOfDiff(d, 1, 2);
    expect(page.resources.map((r) => r.address)).toEqual(['aws_s3_bucket.gone', 'data.aws_ami.ubuntu[0]']);
    expect(page.page).toEqual({ offset: 1, limit: 2, total: 4 });
    expect(page.summary).toEqual(d.summary);
  });
});

describe('masking sensitive values', () => {
  const SECRET = 'hunter2-super-secret';

  it('masks sensitive outputs when marked in either version', () => {
    const a = state(1, [], { pw: { value: 'old-secret-value', type: 'string', sensitive: true }, pw2: { value: 'plain-then-secret', type: 'string' } });
    const b = state(2, [], { pw: { value: SECRET, type: 'string', sensitive: true }, pw2: { value: SECRET + '2', type: 'string', sensitive: true } });
    const d = diffStates(a, b);
    expect(d.outputs).toEqual([
      { name: 'pw', action: 'changed', sensitive: true, before: SENSITIVE_MASK, after: SENSITIVE_MASK },
      { name: 'pw2', action: 'changed', sensitive: true, before: SENSITIVE_MASK, after: SENSITIVE_MASK },
    ]);
    const text = JSON.stringify(d);
    for (const s of [SECRET, 'old-secret-value', 'plain-then-secret']) expect(text).not.toContain(s);
  });

  it('masks attribute paths from classic sensitive_attributes, nested and indexed', () => {
    const attrs = (pw: string, key: string, first: string) => ({ id: 'x', password: pw, tags: { secret: key, open: 'o' + pw.length }, list: [first, 'visible'] });
    const sens = [[getAttr('password')], [getAttr('tags'), index('secret')], [getAttr('list'), index(0)]];
    const a = state(1, [resource('aws_db_instance', 'db', [{ attributes: attrs('pw-before-1', 'key-before-1', 'first-before-1'), sensitive_attributes: sens }])]);
    const b = state(2, [resource('aws_db_instance', 'db', [{ attributes: attrs('pw-after-222', 'key-after-22', 'first-after-22'), sensitive_attributes: sens }])]);
    const d = diffStates(a, b);
    const changes = d.resources[0]!.changes;
    expect(changes).toEqual([
      { path: 'list[0]', action: 'changed', before: SENSITIVE_MASK, after: SENSITIVE_MASK, sensitive: true },
      { path: 'password', action: 'changed', before: SENSITIVE_MASK, after: SENSITIVE_MASK, sensitive: true },
      { path: 'tags.open', action: 'changed', before: 'o11', after: 'o12' },
      { path: 'tags.secret', action: 'changed', before: SENSITIVE_MASK, after: SENSITIVE_MASK, sensitive: true },
    ]);
    expect(JSON.stringify(d)).not.toMatch(/before-1|after-22/);
  });

  it('masks a path marked sensitive in only one version, in both', () => {
    const a = state(1, [resource('t', 'n', [{ attributes: { token: 'token-before-x' } }])]);
    const b = state(2, [resource('t', 'n', [{ attributes: { token: 'token-after-y' }, sensitive_attributes: [[getAttr('token')]] }])]);
    expect(JSON.stringify(diffStates(a, b))).not.toMatch(/token-before-x|token-after-y/);
    expect(JSON.stringify(diffStates(b, a))).not.toMatch(/token-before-x|token-after-y/);
  });

  it('accepts a flat list of steps, masking every reading of it', () => {
    const attrs = (v: string) => ({ config: { password: `cfg-${v}`, other: `other-${v}` }, password: `top-${v}` });
    const a = state(1, [resource('t', 'n', [{ attributes: attrs('a1'), sensitive_attributes: [getAttr('config'), getAttr('password')] }])]);
    const b = state(2, [resource('t', 'n', [{ attributes: attrs('b2'), sensitive_attributes: [getAttr('config'), getAttr('password')] }])]);
    const text = JSON.stringify(diffStates(a, b));
    expect(text).not.toMatch(/cfg-|other-|top-/);
  });

  it('masks everything of an instance whose sensitive_attributes it cannot read', () => {
    const a = state(1, [resource('t', 'n', [{ attributes: { a: 'weird-one', b: { c: 'weird-two' } }, sensitive_attributes: { password: true } }])]);
    const b = state(2, [resource('t', 'n', [{ attributes: { a: 'weird-three', b: { c: 'weird-four' } }, sensitive_attributes: { password: true } }])]);
    expect(JSON.stringify(diffStates(a, b))).not.toContain('weird-');
    // A set element index (not a string or number key) masks the whole set.
    const c = state(1, [resource('t', 'n', [{ attributes: { s: ['set-a', 'set-b'] }, sensitive_attributes: [[getAttr('s'), { type: 'index', value: { value: ['x'], type: ['set', 'string'] } }]] }])]);
    const e = state(2, [resource('t', 'n', [{ attributes: { s: ['set-c'] }, sensitive_attributes: [] }])]);
    expect(JSON.stringify(diffStates(c, e))).not.toContain('set-');
  });

  it('masks inside dynamic values and wherever a marked secret is copied (terraform_data)', () => {
    // What terraform 1.11 writes for `input = { user = "bob", password = var.pw }` (pw sensitive).
    const td = (pw: string, user: string) => ({
      id: 'x',
      input: { value: { password: pw, user }, type: ['object', { password: 'string', user: 'string' }] },
      output: { value: { password: pw, user }, type: ['object', { password: 'string', user: 'string' }] },
      triggers_replace: null,
      note: `connect with ${pw} please`,
    });
    const sens = [[getAttr('input'), getAttr('password')]];
    const a = state(1, [resource('terraform_data', 'x', [{ attributes: td('dyn-secret-1', 'bob'), sensitive_attributes: sens }])]);
    const b = state(2, [resource('terraform_data', 'x', [{ attributes: td('dyn-secret-2', 'alice'), sensitive_attributes: sens }])]);
    const d = diffStates(a, b);
    const text = JSON.stringify(d);
    expect(text).not.toContain('dyn-secret');
    const paths = Object.fromEntries(d.resources[0]!.changes.map((c) => [c.path, c]));
    expect(paths['input.value.user']).toMatchObject({ before: 'bob', after: 'alice' });
    expect(paths['input.value.password']).toMatchObject({ before: SENSITIVE_MASK, sensitive: true });
    expect(paths['output.value.password']).toMatchObject({ before: SENSITIVE_MASK, after: SENSITIVE_MASK, sensitive: true });
    expect(paths.note).toMatchObject({ before: SENSITIVE_MASK });
  });

  it('masks a secret of one resource copied into another resource', () => {
    const a = state(1, [
      resource('random_password', 'pw', [{ attributes: { result: 'copied-secret-1' }, sensitive_attributes: [[getAttr('result')]] }]),
      resource('t', 'consumer', [{ attributes: { value: 'x' } }]),
    ]);
    const b = state(2, [
      resource('random_password', 'pw', [{ attributes: { result: 'copied-secret-1' }, sensitive_attributes: [[getAttr('result')]] }]),
      resource('t', 'consumer', [{ attributes: { value: 'copied-secret-1' } }]),
    ]);
    expect(JSON.stringify(diffStates(a, b))).not.toContain('copied-secret-1');
  });

  it('masks a secret of one resource embedded in a longer string of another, and in outputs', () => {
    const pw = (v: string) => resource('random_password', 'pw', [{ attributes: { result: v }, sensitive_attributes: [[getAttr('result')]] }]);
    const dsn = (v: string) => resource('t', 'app', [{ attributes: { url: v, port: '5432' } }]);
    const a = state(1, [pw('embedded-s3cret'), dsn('postgres://app@db')], { url: { value: 'plain', type: 'string' } });
    const b = state(2, [pw('embedded-s3cret'), dsn('postgres://app:embedded-s3cret@db:5432/x')], { url: { value: 'u=embedded-s3cret', type: 'string' } });
    const diff = diffStates(a, b);
    const text = JSON.stringify(diff);
    expect(text).not.toContain('embedded-s3cret');
    const app = diff.resources.find((r) => r.address === 't.app');
    expect(app?.changes.find((c) => c.path === 'url')).toMatchObject({ before: 'postgres://app@db', after: SENSITIVE_MASK });
    expect(diff.outputs.find((o) => o.name === 'url')).toMatchObject({ before: 'plain', after: SENSITIVE_MASK });
  });

  it('does not mask unrelated strings that merely contain a short marked value', () => {
    const pin = (v: string) => resource('random_password', 'pin', [{ attributes: { result: v }, sensitive_attributes: [[getAttr('result')]] }]);
    const a = state(1, [pin('42'), resource('t', 'n', [{ attributes: { name: 'node-1' } }])]);
    const b = state(2, [pin('42'), resource('t', 'n', [{ attributes: { name: 'node-42' } }])]);
    const change = diffStates(a, b).resources.find((r) => r.address === 't.n')?.changes.find((c) => c.path === 'name');
    expect(change).toMatchObject({ before: 'node-1', after: 'node-42' });
  });

  it('mask tree: prefixes mask their subtree', () => {
    const mask = sensitiveMask([[getAttr('a')], [getAttr('a'), getAttr('b')], [getAttr('x'), index(1)]]);
    expect(presentValue({ a: { b: 1, c: 2 }, x: ['ok', 'no'], y: 'ok' }, mask)).toEqual({ a: SENSITIVE_MASK, x: ['ok', SENSITIVE_MASK], y: 'ok' });
  });
});

describe('limits', () => {
  it('caps long strings and large values', () => {
    const long = 'z'.repeat(5000);
    const shown = presentValue(long) as string;
    expect(shown.length).toBeLessThan(1100);
    expect(shown).toContain('5000 characters');
    const big = presentValue(Array.from({ length: 1000 }, (_, i) => i)) as unknown[];
    expect(big.filter((x) => x === '…').length).toBeGreaterThan(0);
  });

  it('compares JSON structurally', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });

  it('diffs two ~20 MB states, masking every secret (timing is measured by npm run bench)', () => {
    const make = (variant: number) => {
      const resources = [];
      for (let i = 0; i < 30_000; i++) {
        if (variant === 2 && i % 50 === 7) continue;
        const changed = variant === 2 && i % 20 === 3;
        resources.push(
          resource('aws_instance', `web${i}`, [
            { attributes: { id: `i-${i}`, ami: changed ? 'ami-new' : 'ami-old', user_data: 'x'.repeat(600), password: `secret-${i}` }, sensitive_attributes: [[getAttr('password')]] },
          ]),
        );
      }
      return stateDocument({ serial: variant, lineage: LINEAGE, resources, outputs: { db: { value: 'hunter2', type: 'string', sensitive: true } } });
    };
    const [t1, t2] = [make(1), make(2)];
    expect(t1.length).toBeGreaterThan(20 * 2 ** 20);
    const d = diffStates(parseStateFile(t1), parseStateFile(t2));
    expect(d.summary.resources).toEqual({ added: 0, removed: 600, changed: 1500, unchanged: 27900 });
    const text = JSON.stringify(d);
    expect(text).not.toContain('secret-');
    expect(text).not.toContain('hunter2');
    // Builds and parses ~40 MB: the limit only stops a hang on a busy CI machine (speed is `npm run bench`'s).
  }, 60_000);
});
