import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig } from '../server/config-discovery';
import { discoveredBackendId } from '../terraform/discovery-names';
import { signJson, type KeyRing } from '../server/signing';
import { decisionKey, parseDecision, type DecisionDoc } from './discovery-decisions';
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
  const backend = { accountId: '111122223333', accountName: 'net', region: 'eu-west-1', bucket: 'acme-tf', dynamodbTable: 'locks', useLockfile: false, workspaceKeyPrefix: 'env:', ...over };
  return { version: 1, backendId: discoveredBackendId(backend.accountId, backend.region, backend.bucket), decision, backend, by: 'alice', at: '2026-12-07T10:00:00Z', reason: 'ours', auditId: 'a1' };
}

function found(bucket: string, accountId = '111122223333'): FoundBackend {
  return { id: discoveredBackendId(accountId, 'eu-west-1', bucket), accountId, accountName: null, region: 'eu-west-1', bucket, dynamodbTable: 'locks', useLockfile: false, workspaceKeyPrefix: 'env:', workspacePrefixSeen: null, stateCount: 1, lockItems: 0, countsComplete: true, evidence: [] };
}

const ring: KeyRing = { current: Buffer.from('k'.repeat(32)), previous: [], ephemeral: false };
const other: KeyRing = { current: Buffer.from('x'.repeat(32)), previous: [], ephemeral: false };
const keyOf = (x: DecisionDoc) => decisionKey(d, x.backendId);
/** As storeDecision writes it: signed for its own object key. */
const stored = (x: unknown, key: string, r = ring) => signJson('discovery-decision', key, JSON.stringify(x), r);
const parse = (x: DecisionDoc) => parseDecision(stored(x, keyOf(x)), 'e', keyOf(x), d, ring);

describe('stored decisions', () => {
  it('reads a decision Lockboard wrote', () => {
    const x = doc();
    const out = parseDecision(stored(x, keyOf(x)), 'etag-1', keyOf(x), d, ring);
    expect(out.problem).toBeNull();
    expect(out.decision).toMatchObject({ decision: 'accepted', etag: 'etag-1', backend: { bucket: 'acme-tf' } });
    expect(out.decision).not.toHaveProperty('lockboardSignature');
  });

  it('refuses a decision Lockboard did not write: unsigned, another deployment’s key, altered, or copied to another key', () => {
    const x = doc();
    expect(parseDecision(JSON.stringify(x), 'e', keyOf(x), d, ring).problem).toMatch(/^not signed/);
    expect(parseDecision(stored(x, keyOf(x), other), 'e', keyOf(x), d, ring).problem).toMatch(/^signed with a key this replica does not hold/);
    expect(parseDecision(stored(x, keyOf(x)).replace('"ours"', '"mine"'), 'e', keyOf(x), d, ring).problem).toMatch(/does not match/);
    const y = doc({ bucket: 'other-tf' });
    expect(parseDecision(stored(x, keyOf(x)), 'e', keyOf(y), d, ring).problem).toMatch(/does not match/);
  });

  it('refuses what a signed decision may not name: another id, an account or region not searched; ignores a role; junk', () => {
    expect(parse({ ...doc(), backendId: '111122223333-other-000000' }).problem).toMatch(/is not the one account 111122223333/);
    expect(parse(doc({ accountId: '999999999999' })).problem).toBe('account 999999999999 is not one discovery searches');
    expect(parse(doc({ region: 'us-east-1' })).problem).toBe('region us-east-1 is not a configured region');
    expect(parse({ ...doc(), backend: { ...doc().backend, roleArn: 'arn:aws:iam::1:role/admin' } } as DecisionDoc).decision?.backend).not.toHaveProperty('roleArn');
    expect(parseDecision(stored({ version: 2 }, 'k'), 'e', 'k', d, ring).problem).toMatch(/^not a decision/);
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
