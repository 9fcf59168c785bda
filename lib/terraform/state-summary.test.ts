import { describe, expect, it } from 'vitest';
import { instanceSuffix, providerSource, shortProvider, summariseState, SUMMARY_LIMITS } from './state-summary';

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

function v4(resources: unknown[], outputs: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 7, lineage: 'l-1', outputs, resources, check_results: null, ...extra }, null, 2) + '\n';
}

describe('summariseState', () => {
  it('summarises a v4 state: addresses, types, modules, providers, keys, outputs — never values', () => {
    const text = v4(
      [
        { mode: 'managed', type: 'aws_iam_role', name: 'deployer', provider: AWS, instances: [{ schema_version: 0, attributes: { arn: 'arn:secret-arn' } }] },
        { module: 'module.net["eu-west-1"]', mode: 'managed', type: 'aws_subnet', name: 'this', provider: `module.net.${AWS}.east`, instances: [{ index_key: 0, attributes: {} }, { index_key: 1, attributes: {} }] },
        { mode: 'data', type: 'aws_ami', name: 'ubuntu', provider: 'provider["registry.opentofu.org/hashicorp/aws"]', instances: [{ attributes: { id: 'ami-1' } }] },
        { mode: 'managed', type: 'random_pet', name: 'p', provider: 'provider["registry.terraform.io/hashicorp/random"]', instances: [{ index_key: 'a "quoted" key', attributes: {} }, { index_key: 'ünï€ode', attributes: {} }] },
      ],
      { password: { value: 'hunter2-secret', type: 'string', sensitive: true }, vpc_id: { value: 'vpc-1', type: 'string' } },
    );
    const s = summariseState(text);
    expect(s).toMatchObject({ kind: 'plaintext', formatVersion: 4, serial: 7, lineage: 'l-1', terraformVersion: '1.11.4', resourceCount: 4, instanceCount: 6, incomplete: false });
    expect(s.outputs).toEqual(['password', 'vpc_id']);
    expect(s.providers).toEqual(['registry.opentofu.org/hashicorp/aws', 'registry.terraform.io/hashicorp/aws', 'registry.terraform.io/hashicorp/random']);
    expect(s.resources.map((r) => r.address)).toEqual(['aws_iam_role.deployer', 'module.net["eu-west-1"].aws_subnet.this', 'data.aws_ami.ubuntu', 'random_pet.p']);
    expect(s.resources[1]).toMatchObject({ module: 'module.net["eu-west-1"]', type: 'aws_subnet', keys: [0, 1], provider: 'registry.terraform.io/hashicorp/aws' });
    expect(s.resources[3]!.keys).toEqual(['a "quoted" key', 'ünï€ode']);
    expect(s.resources[0]!.keys).toEqual([null]);
    const json = JSON.stringify(s);
    expect(json).not.toMatch(/hunter2|secret-arn|vpc-1|ami-1/);
  });

  it('reads bytes as well as text, with a BOM', () => {
    const bytes = new TextEncoder().encode('\uFEFF' + v4([]));
    expect(summariseState(bytes)).toMatchObject({ kind: 'plaintext', resourceCount: 0, outputs: [] });
  });

  it('lists a truncated state as truncated, not skipped', () => {
    const text = v4([{ mode: 'managed', type: 'a', name: 'b', instances: [] }]);
    const s = summariseState(new TextEncoder().encode(text.slice(0, text.length / 2)));
    expect(s.kind).toBe('truncated');
    expect(s.resourceCount).toBeNull();
    expect(s.note).toMatch(/truncated/);
  });

  it('lists non-JSON, empty and other JSON with their kind', () => {
    expect(summariseState('terraform { }').kind).toBe('not_json');
    expect(summariseState('').kind).toBe('empty');
    expect(summariseState('[1,2]').kind).toBe('other_json');
    expect(summariseState('{"hello":1}').kind).toBe('other_json');
  });

  it('lists an OpenTofu-encrypted state as encrypted, with serial and nothing else', () => {
    const s = summariseState(JSON.stringify({ serial: 3, lineage: 'x', meta: { 'key_provider.pbkdf2.k': 'abc' }, encrypted_data: 'Zm9v', encryption_version: 'v0' }));
    expect(s).toMatchObject({ kind: 'encrypted', serial: 3, lineage: 'x', resourceCount: null, resources: [], outputs: [] });
    expect(s.note).toMatch(/encrypted/);
  });

  it('summarises a version-3 state (Terraform 0.11): modules, count indexes, legacy providers', () => {
    const doc = {
      version: 3,
      terraform_version: '0.11.14',
      serial: 12,
      lineage: 'old',
      modules: [
        { path: ['root'], outputs: { ip: { sensitive: false, type: 'string', value: '10.0.0.1' } }, resources: { 'aws_instance.web.0': { type: 'aws_instance', provider: 'provider.aws', primary: { attributes: { password: 'v3-secret' } } }, 'aws_instance.web.1': { type: 'aws_instance', provider: 'provider.aws' }, 'data.aws_ami.x': { type: 'aws_ami', provider: 'provider.aws' } } },
        { path: ['root', 'vpc'], outputs: {}, resources: { 'aws_vpc.main': { type: 'aws_vpc', provider: 'module.vpc.provider.aws' } } },
      ],
    };
    const s = summariseState(JSON.stringify(doc));
    expect(s).toMatchObject({ kind: 'plaintext', formatVersion: 3, terraformVersion: '0.11.14', resourceCount: 3, instanceCount: 4, providers: ['aws'], outputs: ['ip'] });
    expect(s.resources.map((r) => [r.address, r.keys])).toEqual([
      ['aws_instance.web', [0, 1]],
      ['data.aws_ami.x', [null]],
      ['module.vpc.aws_vpc.main', [null]],
    ]);
    expect(JSON.stringify(s)).not.toMatch(/v3-secret|10\.0\.0\.1/);
  });

  it('caps what it keeps and says so', () => {
    const many = Array.from({ length: SUMMARY_LIMITS.keysPerResource + 5 }, (_, i) => ({ index_key: i, attributes: {} }));
    const s = summariseState(v4([{ mode: 'managed', type: 't', name: 'n', instances: many }, { mode: 'managed', type: 'x'.repeat(2000), name: 'n', instances: [] }]));
    expect(s.incomplete).toBe(true);
    expect(s.instanceCount).toBe(many.length);
    expect(s.resources[0]!.keys).toHaveLength(SUMMARY_LIMITS.keysPerResource);
    expect(s.resources[1]!.type).toHaveLength(SUMMARY_LIMITS.nameLength);
  });

  it('summarises a large state (≈50 MB) without failing', () => {
    const blob = 'x'.repeat(10_000);
    const resources = Array.from({ length: 5_000 }, (_, i) => ({ mode: 'managed', type: 'aws_s3_object', name: `o${i}`, provider: AWS, instances: [{ attributes: { body: blob } }] }));
    const text = JSON.stringify({ version: 4, terraform_version: '1.5.7', serial: 1, lineage: 'big', outputs: {}, resources });
    expect(text.length).toBeGreaterThan(50_000_000);
    const s = summariseState(text);
    expect(s).toMatchObject({ kind: 'plaintext', resourceCount: 5_000, terraformVersion: '1.5.7' });
    expect(JSON.stringify(s).length).toBeLessThan(1_000_000);
  }, 60_000);
});

describe('address helpers', () => {
  it('reads provider sources', () => {
    expect(providerSource(AWS)).toBe('registry.terraform.io/hashicorp/aws');
    expect(providerSource('module.a.provider["example.com/acme/x"].alias')).toBe('example.com/acme/x');
    expect(providerSource('provider.google')).toBe('google');
    expect(providerSource(42)).toBe('');
    expect(shortProvider('registry.terraform.io/hashicorp/aws')).toBe('hashicorp/aws');
    expect(shortProvider('example.com/acme/x')).toBe('example.com/acme/x');
  });

  it('prints instance keys as Terraform does', () => {
    expect(instanceSuffix(null)).toBe('');
    expect(instanceSuffix(3)).toBe('[3]');
    expect(instanceSuffix('a "b"')).toBe('["a \\"b\\""]');
  });
});
