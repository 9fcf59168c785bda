import 'server-only';
/**
 * What the page needs to know about the caller: who they are and what to offer, per backend. The
 * server enforces the same rules on every request (proxy.ts for reads, the mutation routes for
 * changes); this only decides what the UI shows.
 */
import { backendAccess, roleAtLeast } from '../auth/access';
import { canMutate, identify } from '../auth/identity';
import { getConfig } from '../server/config';
import { listBackends } from '../server/backends';
import { AppError } from '../api/errors';
import type { BackendPermissions, SessionInfo } from '../api/session';

export type { BackendPermissions, SessionInfo } from '../api/session';

export function sessionOf(request: Request): SessionInfo {
  const config = getConfig();
  let identity;
  try {
    identity = identify(request, config);
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'unauthorized')) throw e;
    return { user: null, anonymous: true, groups: [], authMode: config.authMode, canMutate: false, readOnly: config.readOnly, backends: {} };
  }
  const caller = { ...identity, groups: identity.groups ?? [] };
  const backends: Record<string, BackendPermissions> = {};
  for (const b of listBackends()) {
    const access = backendAccess(caller, b.id, config);
    // A backend the caller may not view is not even named.
    if (!roleAtLeast(access.role, 'viewer')) continue;
    backends[b.id] = {
      role: access.role,
      baseRole: access.baseRole,
      rules: access.rules,
      canView: roleAtLeast(access.role, 'viewer'),
      canDownload: roleAtLeast(access.role, 'stateReader'),
      canMutate: !config.readOnly && roleAtLeast(access.role, 'operator'),
    };
  }
  return { user: identity.user, anonymous: identity.anonymous, groups: caller.groups, authMode: config.authMode, canMutate: canMutate(identity, config), readOnly: config.readOnly, backends };
}
