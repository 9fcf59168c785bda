import { describe, expect, it } from 'vitest';
import {
  digestLockId,
  isStateKey,
  lockfileKey,
  lockPath,
  stateKeyOfDigestId,
  stateKeyOfLockfile,
  stateKeyOfLockId,
  workspaceOfKey,
  workspaceStateKey,
} from './paths';

describe('identifiers of one state', () => {
  it('builds the lock LockID, digest LockID and .tflock key as Terraform does', () => {
    expect(lockPath('my-bucket', 'env:/staging/app/terraform.tfstate')).toBe('my-bucket/env:/staging/app/terraform.tfstate');
    expect(digestLockId('my-bucket', 'env:/staging/app/terraform.tfstate')).toBe('my-bucket/env:/staging/app/terraform.tfstate-md5');
    expect(lockfileKey('env:/staging/app/terraform.tfstate')).toBe('env:/staging/app/terraform.tfstate.tflock');
  });

  it('reads the state key back from each identifier', () => {
    expect(stateKeyOfLockfile('app/terraform.tfstate.tflock')).toBe('app/terraform.tfstate');
    expect(stateKeyOfLockfile('app/terraform.tfstate')).toBeNull();
    expect(stateKeyOfLockfile('.tflock')).toBeNull();
    expect(stateKeyOfLockId('b/app/terraform.tfstate', 'b')).toBe('app/terraform.tfstate');
    expect(stateKeyOfLockId('other/app/terraform.tfstate', 'b')).toBeNull();
    expect(stateKeyOfLockId('b/', 'b')).toBeNull();
    // A bucket whose name is a prefix of another is not confused with it.
    expect(stateKeyOfLockId('bb/app.tfstate', 'b')).toBeNull();
    expect(stateKeyOfDigestId('b/app/terraform.tfstate-md5', 'b')).toBe('app/terraform.tfstate');
    expect(stateKeyOfDigestId('b/app/terraform.tfstate', 'b')).toBeNull();
    expect(stateKeyOfDigestId('c/app/terraform.tfstate-md5', 'b')).toBeNull();
  });
});

describe('workspaces', () => {
  it('places non-default workspaces under <prefix>/<name>/<key> (path.Join)', () => {
    expect(workspaceStateKey('app/terraform.tfstate', 'default')).toBe('app/terraform.tfstate');
    expect(workspaceStateKey('app/terraform.tfstate', 'staging')).toBe('env:/staging/app/terraform.tfstate');
    expect(workspaceStateKey('app/terraform.tfstate', 'staging', 'workspaces')).toBe('workspaces/staging/app/terraform.tfstate');
    expect(workspaceStateKey('app/terraform.tfstate', 'staging', '')).toBe('staging/app/terraform.tfstate');
  });

  it('tells the workspace of a key', () => {
    expect(workspaceOfKey('env:/staging/app/terraform.tfstate')).toBe('staging');
    expect(workspaceOfKey('env:/prod/terraform.tfstate')).toBe('prod');
    expect(workspaceOfKey('app/terraform.tfstate')).toBe('default');
    expect(workspaceOfKey('env:/staging')).toBe('default');
    expect(workspaceOfKey('env:/staging/')).toBe('default');
    expect(workspaceOfKey('env://terraform.tfstate')).toBe('default');
    expect(workspaceOfKey('envx/staging/terraform.tfstate')).toBe('default');
    expect(workspaceOfKey('team/ws/dev/terraform.tfstate', 'team/ws')).toBe('dev');
    expect(workspaceOfKey('env:/staging/terraform.tfstate', 'workspaces')).toBe('default');
    expect(workspaceOfKey('staging/terraform.tfstate', '')).toBe('default');
  });
});

describe('isStateKey', () => {
  it('accepts keys ending in .tfstate, including workspace keys', () => {
    expect(isStateKey('terraform.tfstate')).toBe(true);
    expect(isStateKey('app/terraform.tfstate')).toBe(true);
    expect(isStateKey('env:/staging/app/terraform.tfstate')).toBe(true);
    expect(isStateKey('odd key/ünïcode ☃/x.tfstate')).toBe(true);
  });

  it('rejects lock files, backups, the bare suffix and other files', () => {
    expect(isStateKey('app/terraform.tfstate.tflock')).toBe(false);
    expect(isStateKey('app/terraform.tfstate.backup')).toBe(false);
    expect(isStateKey('app/terraform.tfstate-md5')).toBe(false);
    expect(isStateKey('.tfstate')).toBe(false);
    expect(isStateKey('app/plan.tfplan')).toBe(false);
    expect(isStateKey('lockboard-audit/2025/01/01/record.json')).toBe(false);
    expect(isStateKey('app/')).toBe(false);
  });

  it('uses the configured suffixes instead, never counting a .tflock', () => {
    const suffixes = ['.tfstate', '/state.json'];
    expect(isStateKey('app/state.json', suffixes)).toBe(true);
    expect(isStateKey('app/terraform.tfstate', suffixes)).toBe(true);
    expect(isStateKey('app/other.json', suffixes)).toBe(false);
    expect(isStateKey('app/terraform.tfstate', ['.json'])).toBe(false);
    expect(isStateKey('app/x.tflock', ['.tflock'])).toBe(false);
  });
});
