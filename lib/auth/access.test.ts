import { describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import type { AccessRule } from '../server/config';
import { backendAccess, globMatches, roleOn } from './access';
import { assertAllowed, identify } from './identity';

const rule = (r: Partial<AccessRule> & Pick<AccessRule, 'role'>): AccessRule => ({ backends: ['*'], keys: ['**'], users: [], groups: [], ...r });
const base = { authMode: 'proxy' as const, operators: ['ops@example.com'], readOnly: false, defaultRole: 'viewer' as const, accessRules: [] as AccessRule[] };
const alice = { user: 'alice@example.com', anonymous: false, groups: ['team-a'] };

describe('globs', () => {
  it('* stays within a path segment, ** crosses them, the rest is literal', () => {
    expect(globMatches('team-a/*.tfstate', 'team-a/app.tfstate')).toBe(true);
    expect(globMatches('team-a/*.tfstate', 'team-a/x/app.tfstate')).toBe(false);
    expect(globMatches('team-a/**', 'team-a/x/app.tfstate')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('env:/prod/**', 'env:/prod/net/main.tfstate')).toBe(true);
  });
});

describe('roles', () => {
  it('default: every authenticated caller views everything, operators do everything, nobody else downloads raw state', () => {
    expect(roleOn(alice, 'main', 'x.tfstate', base)).toBe('viewer');
    expect(roleOn({ user: 'OPS@example.com', anonymous: false, groups: [] }, 'main', 'x.tfstate', base)).toBe('operator');
    expect(roleOn({ user: 'anonymous', anonymous: true, groups: [] }, 'main', null, base)).toBe('none');
  });

  it('mode none: everyone is an operator', () => {
    expect(roleOn({ user: 'anonymous', anonymous: true, groups: [] }, 'main', 'k', { ...base, authMode: 'none' })).toBe('operator');
  });

  it('rules grant per backend, key glob, user and group', () => {
    const config = {
      ...base,
      defaultRole: 'none' as const,
      accessRules: [rule({ role: 'viewer', backends: ['main'], groups: ['team-a'] }), rule({ role: 'stateReader', backends: ['main'], keys: ['team-a/**'], groups: ['TEAM-A'] }), rule({ role: 'operator', backends: ['ma*'], keys: ['team-a/dev/*'], users: ['alice@example.com'] })],
    };
    expect(roleOn(alice, 'main', 'team-b/app.tfstate', config)).toBe('viewer');
    expect(roleOn(alice, 'main', 'team-a/prod/app.tfstate', config)).toBe('stateReader');
    expect(roleOn(alice, 'main', 'team-a/dev/app.tfstate', config)).toBe('operator');
    expect(roleOn(alice, 'other', 'team-a/dev/app.tfstate', config)).toBe('none');
    expect(roleOn(alice, 'main', null, config)).toBe('operator');
    expect(backendAccess(alice, 'main', config)).toMatchObject({ role: 'operator', baseRole: 'none' });
    expect(backendAccess(alice, 'other', config)).toMatchObject({ role: 'none', rules: [] });
  });

  it('assertAllowed: 403 naming the role; operator is refused in read-only mode', () => {
    const config = { ...base, authUserHeader: 'x-forwarded-email' };
    expect(() => assertAllowed(alice, 'viewer', 'main', 'k', config)).not.toThrow();
    const err = (() => {
      try {
        assertAllowed(alice, 'stateReader', 'main', 'k', config);
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect(err?.status).toBe(403);
    expect(err?.details).toMatchObject({ reason: 'not_allowed', role: 'stateReader' });
    expect(() => assertAllowed({ ...alice, user: 'ops@example.com' }, 'operator', 'main', 'k', { ...config, readOnly: true })).toThrow(/read-only/);
  });

  it('groups come from the groups header, comma-separated and bounded', () => {
    const config = { ...base, authUserHeader: 'x-forwarded-email', authGroupsHeader: 'x-forwarded-groups' };
    const req = new Request('http://lockboard.test/', { headers: { 'x-forwarded-email': 'a@b.c', 'x-forwarded-groups': ' team-a, ,team-b ' } });
    expect(identify(req, config).groups).toEqual(['team-a', 'team-b']);
  });
});
