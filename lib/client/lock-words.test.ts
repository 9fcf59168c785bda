import { describe, expect, it } from 'vitest';
import type { Lock } from '@/lib/api/locks';
import { freezeLockInfo } from '@/lib/terraform/freeze-lock';
import { cliUnlockCommand, operationLabel, problemWords, splitLockLabel, versionWords, withSplitSides } from './lock-words';

const lock = (key: string, sources: Lock['sources'], problems: Lock['problems'] = []) => ({ key, sources, problems }) as Lock;

describe('operationLabel', () => {
  it("turns Terraform's OperationType names into the word a person uses", () => {
    expect(operationLabel('OperationTypeApply')).toBe('apply');
    expect(operationLabel('OperationTypePlan')).toBe('plan');
    expect(operationLabel('OperationTypeRefresh')).toBe('refresh');
    expect(operationLabel('OperationTypeInvalid')).toBe('invalid');
  });
  it('keeps the literal reasons other commands write, and empty as empty', () => {
    expect(operationLabel('state-mv')).toBe('state-mv');
    expect(operationLabel('migration source state')).toBe('migration source state');
    expect(operationLabel('OperationType')).toBe('OperationType');
    expect(operationLabel('')).toBe('');
  });
});

describe('split lock words', () => {
  it('says which side exists when the other is missing from the listing', () => {
    const [d] = withSplitSides([lock('a', ['dynamodb'], ['split_lock'])]);
    const [f] = withSplitSides([lock('b', ['s3'], ['split_lock'])]);
    expect(splitLockLabel(d!)).toBe('Split lock: DynamoDB only, .tflock missing');
    expect(splitLockLabel(f!)).toBe('Split lock: .tflock only, DynamoDB item missing');
  });
  it('says the other side holds another ID when both sides are listed with different IDs', () => {
    const marked = withSplitSides([lock('a', ['dynamodb'], ['split_lock']), lock('a', ['s3'], ['split_lock']), lock('b', ['s3'], ['split_lock'])]);
    expect(marked.map((l) => l.splitOther)).toEqual(['different', 'different', 'missing']);
    expect(splitLockLabel(marked[0]!)).toBe('Split lock: DynamoDB side, the .tflock holds another lock ID');
    expect(splitLockLabel(marked[1]!)).toBe('Split lock: .tflock side, DynamoDB holds another lock ID');
  });
  it('claims nothing about the other side when the listing was not consulted', () => {
    expect(splitLockLabel({ sources: ['dynamodb'] })).toBe('Split lock: DynamoDB side, .tflock missing or different');
  });
  it('leaves locks that are not split untouched', () => {
    const whole = lock('c', ['dynamodb', 's3']);
    expect(withSplitSides([whole])[0]).toBe(whole);
  });
  it('gives every problem a label, an explanation and its raw code', () => {
    expect(problemWords('split_lock', { sources: ['s3'], splitOther: 'missing' })).toMatchObject({ code: 'split_lock', label: 'Split lock: .tflock only, DynamoDB item missing' });
    expect(problemWords('split_lock', { sources: ['s3'] }).explanation).toContain('use_lockfile');
    const malformed = problemWords('malformed_info', { sources: ['dynamodb'] });
    expect(malformed).toMatchObject({ code: 'malformed_info', label: 'Malformed lock info' });
    expect(malformed.explanation).toContain('not valid LockInfo JSON');
    expect(problemWords('oversized', { sources: ['s3'] }).explanation).not.toBe('oversized');
  });
});

describe('freezes in words', () => {
  // Verified: Lockboard's own signed freeze marker exists (lib/services/list-locks.ts sets it).
  const frozen = { ...freezeLockInfo({ bucket: 'b', key: 'app/terraform.tfstate', user: 'ana', reason: 'audit', reviewBy: null, version: '0.1.0', randomBytes: new Uint8Array(16), epochMs: 0, nanos: 0 }), freezeVerified: true };
  const run = { operation: 'OperationTypeApply', who: 'ci@runner', info: '', version: '1.11.4', id: 'abc', workspace: 'default' };
  it("a freeze's version is Lockboard's, never called a Terraform version", () => {
    expect(versionWords(frozen)).toEqual({ label: 'Taken by', value: 'Lockboard 0.1.0 (a freeze, not a Terraform run)' });
    expect(versionWords(run)).toEqual({ label: 'Terraform version', value: '1.11.4' });
    expect(versionWords({ ...run, version: '' }).value).toBe('—');
  });
  it('offers no terraform force-unlock for a freeze (it is released with Unfreeze)', () => {
    expect(cliUnlockCommand({ ...frozen, workspace: 'default' })).toBeNull();
    expect(cliUnlockCommand(run)).toBe("terraform force-unlock 'abc'");
  });
  it('a lock that only carries the freeze marks (no signed marker) is an ordinary lock', () => {
    const forged = { ...frozen, freezeVerified: false, workspace: 'default' };
    expect(versionWords(forged).label).toBe('Terraform version');
    expect(cliUnlockCommand(forged)).not.toBeNull();
  });
});
