import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const backends = [{ id: 'prod', bucket: 'acme-tfstate' }];

function load(discovery: unknown, extra: Record<string, unknown> = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-discovery-')), 'c.json');
  fs.writeFileSync(file, JSON.stringify({ backends, auditBucket: 'acme-audit', ...extra, discovery }));
  return loadConfig({ LOCKBOARD_CONFIG: file, AWS_REGION: 'eu-west-1' });
}

function problemsOf(discovery: unknown, extra: Record<string, unknown> = {}): string[] {
  try {
    load(discovery, extra);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('discovery configuration', () => {
  it('is off without the block, and with enabled: false', () => {
    expect(load(undefined).discovery).toBeNull();
    expect(load({ enabled: false }).discovery).toBeNull();
  });

  it('defaults: the organisation, the lockboard-discovery role, AWS_REGION, hourly, proposals, the audit bucket', () => {
    expect(load({}).discovery).toEqual({
      accounts: 'organization',
      roleName: 'lockboard-discovery',
      watchRoleName: 'lockboard-discovery',
      externalId: null,
      regions: ['eu-west-1'],
      region: 'eu-west-1',
      intervalMinutes: 60,
      autoWatch: false,
      decisionsBucket: 'acme-audit',
      decisionsPrefix: 'lockboard-discovery/',
      endpoint: null,
      forcePathStyle: false,
      stateSuffixes: ['.tfstate'],
      maxParallelAccounts: 4,
      maxCallsPerAccount: 300,
      probeCallsPerBucket: 2,
      scanPagesPerTable: 2,
      awsTimeoutSeconds: 10,
    });
  });

  it('names each invalid account ID, role name and region at start-up', () => {
    const problems = problemsOf({ accounts: ['111122223333', '12345', '11112222333x'], roleName: 'arn:aws:iam::1:role/x', regions: ['eu-west-1', 'nowhere'] });
    expect(problems).toEqual(
      expect.arrayContaining([
        'LOCKBOARD_CONFIG discovery.accounts[1]: "12345" is not an AWS account ID (12 digits)',
        'LOCKBOARD_CONFIG discovery.accounts[2]: "11112222333x" is not an AWS account ID (12 digits)',
        'LOCKBOARD_CONFIG discovery.roleName: "arn:aws:iam::1:role/x" is not an IAM role name (1–64 of letters, digits and +=,.@_-; no path, no ARN)',
        'LOCKBOARD_CONFIG discovery.regions[1]: "nowhere" is not an AWS region name (e.g. eu-west-1)',
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('refuses duplicates, a missing decisions bucket, unknown keys and the reserved backend id', () => {
    expect(problemsOf({ accounts: ['111122223333', '111122223333'] })).toEqual(['LOCKBOARD_CONFIG discovery.accounts: "111122223333" is listed twice']);
    expect(problemsOf({}, { auditBucket: undefined })).toEqual(['LOCKBOARD_CONFIG discovery.decisionsBucket: required (or set auditBucket): accepted and ignored proposals are kept there']);
    expect(problemsOf({ autowatch: true })[0]).toMatch(/^LOCKBOARD_CONFIG discovery: Unrecognized key: "autowatch"/);
    expect(problemsOf({}, { backends: [{ id: 'estate', bucket: 'x-tfstate' }] })).toEqual(['LOCKBOARD_CONFIG discovery: the backend id "estate" is reserved for discovery\'s own records; rename that backend']);
  });

  it('takes an explicit list, an external ID, a decisions bucket and bounds', () => {
    const d = load({ accounts: ['111122223333'], externalId: 'lockboard-prod', decisionsBucket: 'acme-discovery', decisionsPrefix: 'd', regions: ['eu-west-1', 'us-east-1'], region: 'us-east-1', maxCallsPerAccount: 50 }).discovery!;
    expect(d).toMatchObject({ accounts: ['111122223333'], externalId: 'lockboard-prod', decisionsBucket: 'acme-discovery', decisionsPrefix: 'd/', regions: ['eu-west-1', 'us-east-1'], region: 'us-east-1', maxCallsPerAccount: 50 });
    expect(problemsOf({ maxCallsPerAccount: 5 })[0]).toMatch(/^LOCKBOARD_CONFIG discovery.maxCallsPerAccount: /);
  });
});
