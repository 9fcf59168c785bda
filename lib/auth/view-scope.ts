/**
 * Which backends a caller may see. Reads that span backends (search, alerts, metrics, the audit log
 * without `backend=`, the backend list every page is rendered with) show only the backends where the
 * caller has the viewer role on some key, as `/api/backends/{id}/…` reads do (lib/auth/boundary.ts).
 */
import type { AppConfig } from '../server/config';
import { discoveredBeside } from '../server/backends';
import { AppError } from '../api/errors';
import { identify, isAllowed, type Identity } from './identity';

type ScopeConfig = Pick<AppConfig, 'backends' | 'authMode' | 'authUserHeader' | 'operators' | 'readOnly' | 'authGroupsHeader' | 'authJwt' | 'defaultRole' | 'accessRules'>;

export interface ViewScope {
  /** Whether the caller may view this backend. */
  canView: (backendId: string) => boolean;
  /** Whether the caller may view every configured backend (nothing to filter). */
  all: boolean;
}

export const VIEW_NOTHING: ViewScope = { canView: () => false, all: false };
export const VIEW_EVERYTHING: ViewScope = { canView: () => true, all: true };

/** The backends this identity may view. */
export function viewScopeOf(identity: Identity, config: ScopeConfig): ViewScope {
  // The configured backends and the discovered ones watched beside them (lib/server/backends.ts).
  const backends = [...config.backends, ...discoveredBeside(config.backends)];
  const ids = new Set(backends.filter((b) => isAllowed(identity, 'viewer', b.id, null, config)).map((b) => b.id));
  return { canView: (id) => ids.has(id), all: ids.size === backends.length };
}

/** The scope of a request's caller; an unidentified caller in proxy mode is a 401 (as in proxy.ts). */
export function requestViewScope(request: Request, config: ScopeConfig): ViewScope {
  return viewScopeOf(identify(request, config), config);
}

/** For a page: an unidentified caller (the boundary refused it already; only a render reaches this) sees nothing. */
export function pageRequestViewScope(request: Request, config: ScopeConfig): ViewScope {
  try {
    return requestViewScope(request, config);
  } catch (e) {
    if (e instanceof AppError && e.code === 'unauthorized') return VIEW_NOTHING;
    throw e;
  }
}
