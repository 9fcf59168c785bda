/**
 * The member-account role people deploy (scripts/deploy/discovery-role.yaml) is what discovery needs
 * and nothing more: every action a read, each on the narrowest resource, Scan limited to the LockID
 * attribute, objects limited to states and `.tflock`s, the trust limited to Lockboard's principal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const template = parse(fs.readFileSync(path.join(import.meta.dirname, 'discovery-role.yaml'), 'utf8')) as {
  Parameters: Record<string, { Default?: string }>;
  Resources: { DiscoveryRole: { Properties: { AssumeRolePolicyDocument: { Statement: Statement[] }; Policies: unknown[] } } };
};
const role = template.Resources.DiscoveryRole.Properties;
const discovery = (role.Policies[0] as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
const watch = ((role.Policies[1] as { 'Fn::If': [string, { PolicyDocument: { Statement: Statement[] } }, unknown] })['Fn::If'][1]).PolicyDocument.Statement;
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const allowed = (statements: Statement[], action: string) => statements.some((s) => s.Effect === 'Allow' && actions(s).includes(action));

describe('scripts/deploy/discovery-role.yaml', () => {
  it('allows every request discovery makes (lib/aws/discovery-reads.ts, lib/aws/bucket-config.ts)', () => {
    for (const a of ['dynamodb:ListTables', 'dynamodb:DescribeTable', 'dynamodb:Scan', 's3:ListAllMyBuckets', 's3:GetBucketLocation', 's3:ListBucket', 's3:GetBucketVersioning', 's3:GetLifecycleConfiguration', 's3:GetReplicationConfiguration']) {
      expect(allowed(discovery, a), a).toBe(true);
    }
    expect(template.Parameters.RoleName?.Default).toBe('lockboard-discovery');
  });

  it('only reads: no write, delete or wildcard action anywhere', () => {
    for (const s of [...discovery, ...watch]) for (const a of actions(s)) expect(a, s.Sid).toMatch(/^(dynamodb:(ListTables|DescribeTable|Scan|GetItem)|s3:(List|Get)[A-Za-z]+)$/);
  });

  it('scans return LockID only; watching reads states and .tflocks, no other object', () => {
    const scan = discovery.find((s) => actions(s).includes('dynamodb:Scan'))!;
    expect(scan.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['LockID'] }, StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } });
    const objects = watch.find((s) => actions(s).includes('s3:GetObject'))!;
    expect(objects.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*/*.tfstate' }, { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*/*.tflock' }]);
  });

  it('trusts Lockboard’s principal only, with the external ID when one is set', () => {
    const [trust] = role.AssumeRolePolicyDocument.Statement;
    expect(trust).toMatchObject({ Effect: 'Allow', Principal: { AWS: { Ref: 'LockboardPrincipalArn' } }, Action: 'sts:AssumeRole' });
    expect(trust!.Condition).toEqual({ 'Fn::If': ['HasExternalId', { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } }, { Ref: 'AWS::NoValue' }] });
  });
});
