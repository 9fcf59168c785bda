import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig } from '../server/config-discovery';
import { discoveredBackendId } from '../terraform/discovery-names';
import { parseDecision, type DecisionDoc } from './discovery-decisions';
import { watchedBackends, type FoundBackend } from './discovery';

const d: DiscoveryConfig = {
  accounts: ['111122223333', '444455556666'],
  roleName: 'lockboard-discovery',
  watchRoleName: 'lockboard-viewer',
  externalId: 'ext-1',
  regions: ['eu-west-1'],
  region: 'eu-west-1',
  intervalMinutes: 60,
  autoWatch: false,
  decisionsBucket: 'audit',
  decisionsPrefix: 'lockboard-discovery/',
  endpoint: null,
  forcePathStyle: false,
  stateSuffixes: ['.tfstate'],
  maxParallelAccounts: 4,
  maxCallsPerAccount: 300,
  probeCallsPerBucket: 2,
  scanPagesPerTable: 2,
  awsTimeoutSeconds: 10,
};

function doc(over: Partial<DecisionDoc['backend']> = {}, decision: DecisionDoc['decision'] = 'accepted'): DecisionDoc {
  const backend = { accountId: '111122223333', accountName: 'net', region: 'eu-west-1', bucket: 'acme-tf', dynamodbTable: 'locks', useLockfile: false, workspaceKeyPrefix: 'env:', scanSegments: 1, ...over };
  return { version: 1, backendId: discoveredBackendId(backend.accountId, backend.region, backend.bucket), decision, backend, by: 'alice', at: '2026-12-07T10:00:00Z', reason: 'ours', auditId: 'a1' };
}

function found(bucket: string, accountId = '111122223333'): FoundBackend {
  return { id: discoveredBackendId(accountId, 'eu-west-1', bucket), accountId, accountName: null, region: 'eu-west-1', bucket, dynamodbTable: 'locks', useLockfile: false, workspaceKeyPrefix: 'env:', workspacePrefixSeen: null, stateCount: 1, lockItems: 0, countsComplete: true, scanSegments: 1, evidence: [] };
}

describe('stored decisions', () => {
  it('reads a decision Lockboard wrote', () => {
    const out = parseDecision(JSON.stringify(doc()), 'etag-1', d);
    expect(out.problem).toBeNull();
    expect(out.decision).toMatchObject({ decision: 'accepted', etag: 'etag-1', backend: { bucket: 'acme-tf' } });
  });

  it('refuses what a decision may not name: another id, an account or region not searched, a role, junk', () => {
    expect(parseDecision(JSON.stringify({ ...doc(), backendId: '111122223333-other-000000' }), 'e', d).problem).toMatch(/is not the one account 111122223333/);
    expect(parseDecision(JSON.stringify(doc({ accountId: '999999999999' })), 'e', d).problem).toBe('account 999999999999 is not one discovery searches');
    expect(parseDecision(JSON.stringify(doc({ region: 'us-east-1' })), 'e', d).problem).toBe('region us-east-1 is not a configured region');
    expect(parseDecision(JSON.stringify({ ...doc(), backend: { ...doc().backend, roleArn: 'arn:aws:iam::1:role/admin' } }), 'e', d).decision?.backend).not.toHaveProperty('roleArn');
    expect(parseDecision('{', 'e', d).problem).toBe('not JSON');
    expect(parseDecision(JSON.stringify({ version: 2 }), 'e', d).problem).toMatch(/^not a decision/);
  });
});

describe('watchedBackends', () => {
  const decisions = (list: DecisionDoc[]) => new Map(list.map((x) => [x.backendId, { ...x, etag: 'e' }]));

  it('proposals are not watched; accepted ones are, with the watch role of their account and the external ID', () => {
    const accepted = doc({ bucket: 'acme-tf' });
    const out = watchedBackends(d, [found('acme-tf'), found('other-tf')], decisions([accepted]), new Set());
    expect(out.map((b) => b.bucket)).toEqual(['acme-tf']);
    expect(out[0]).toMatchObject({ roleArn: 'arn:aws:iam::111122223333:role/lockboard-viewer', externalId: 'ext-1', discovered: { watch: 'accepted', accountId: '111122223333' } });
  });

  it('autoWatch watches every one found but the ignored and the configured; an accepted one not found this run stays', () => {
    const out = watchedBackends({ ...d, autoWatch: true }, [found('a-tf'), found('b-tf'), found('configured-tf')], decisions([doc({ bucket: 'b-tf' }, 'ignored'), doc({ bucket: 'gone-tf' })]), new Set(['configured-tf']));
    expect(out.map((b) => [b.bucket, b.discovered.watch]).sort()).toEqual([
      ['a-tf', 'auto'],
      ['gone-tf', 'accepted'],
    ]);
  });
});
