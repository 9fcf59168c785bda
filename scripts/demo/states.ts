/**
 * The demo's state documents: realistic Terraform v4 states (VPC, subnets, a database with a
 * sensitive password, app servers, markers) and an OpenTofu client-side encrypted state.
 */
import crypto from 'node:crypto';

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';
const BUILTIN = 'provider["terraform.io/builtin/terraform"]';

interface Instance {
  index_key?: number | string;
  attributes: Record<string, unknown>;
  sensitive?: string[];
  dependencies?: string[];
}

export function resource(type: string, name: string, instances: Instance[], provider = AWS, module?: string) {
  return {
    ...(module ? { module } : {}),
    mode: 'managed',
    type,
    name,
    provider,
    instances: instances.map((i) => ({
      ...(i.index_key !== undefined ? { index_key: i.index_key } : {}),
      schema_version: 0,
      attributes: i.attributes,
      sensitive_attributes: (i.sensitive ?? []).map((attr) => [{ type: 'get_attr', value: attr }]),
      ...(i.dependencies ? { dependencies: i.dependencies } : {}),
    })),
  };
}

export const hex = (n: number) => crypto.randomBytes(n).toString('hex');

export function stateDoc(serial: number, lineage: string, resources: unknown[], outputs: Record<string, unknown> = {}, terraformVersion = '1.11.4'): string {
  // Terraform writes MarshalIndent with two spaces and a trailing newline.
  return JSON.stringify({ version: 4, terraform_version: terraformVersion, serial, lineage, outputs, resources, check_results: null }, null, 2) + '\n';
}

export function vpc(cidr: string, tags: Record<string, string>) {
  return resource('aws_vpc', 'main', [{ attributes: { id: `vpc-${hex(8)}`, cidr_block: cidr, enable_dns_hostnames: true, tags, tags_all: tags } }]);
}

export function subnets(count: number, vpcCidrPrefix: string) {
  return resource(
    'aws_subnet',
    'public',
    Array.from({ length: count }, (_, i) => ({
      index_key: i,
      attributes: { id: `subnet-${hex(8)}`, cidr_block: `${vpcCidrPrefix}.${i * 16}.0/20`, availability_zone: `us-east-1${'abc'[i] ?? 'a'}`, map_public_ip_on_launch: true },
      dependencies: ['aws_vpc.main'],
    })),
  );
}

export function securityGroup(ports: number[]) {
  return resource('aws_security_group', 'web', [
    { attributes: { id: `sg-${hex(8)}`, name: 'web', ingress: ports.map((p) => ({ from_port: p, to_port: p, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] })) }, dependencies: ['aws_vpc.main'] },
  ]);
}

export function marker(name: string, input: string) {
  return resource('terraform_data', name, [{ attributes: { id: crypto.randomUUID(), input: { value: input, type: 'string' }, output: { value: input, type: 'string' }, triggers_replace: null } }], BUILTIN);
}

export function database(instanceClass: string, password: string) {
  return resource(
    'aws_db_instance',
    'main',
    [{ attributes: { id: `db-${hex(6)}`, engine: 'postgres', engine_version: '16.4', instance_class: instanceClass, username: 'app', password, allocated_storage: 50 }, sensitive: ['password'] }],
    AWS,
    'module.database',
  );
}

export function appServer(count: number, image: string) {
  return resource(
    'aws_instance',
    'app',
    Array.from({ length: count }, (_, i) => ({ index_key: i, attributes: { id: `i-${hex(8)}`, ami: image, instance_type: 't3.medium', tags: { Name: `app-${i}` } } })),
  );
}

/** OpenTofu (>= 1.7) client-side encrypted state: single-line JSON, serial/lineage in the clear. */
export function encryptedState(serial: number, lineage: string): string {
  const meta = { 'key_provider.pbkdf2.main': Buffer.from(JSON.stringify({ salt: hex(16), iterations: 600000, hash_function: 'sha512', key_length: 32 })).toString('base64') };
  return JSON.stringify({ serial, lineage, meta, encrypted_data: crypto.randomBytes(900).toString('base64'), encryption_version: 'v0' });
}
