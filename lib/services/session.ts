import 'server-only';
/**
 * What the page needs to know about the caller: who they are and whether to offer changes. The
 * server enforces the same rules on every mutation; this only decides what the UI shows.
 */
import { canMutate, identify } from '../auth/identity';
import { getConfig } from '../server/config';
import { AppError } from '../api/errors';
import type { SessionInfo } from '../api/session';

export type { SessionInfo } from '../api/session';

export function sessionOf(request: Request): SessionInfo {
  const config = getConfig();
  try {
    const identity = identify(request, config);
    return { user: identity.user, anonymous: identity.anonymous, authMode: config.authMode, canMutate: canMutate(identity, config), readOnly: config.readOnly };
  } catch (e) {
    if (e instanceof AppError && e.code === 'unauthorized') return { user: null, anonymous: true, authMode: config.authMode, canMutate: false, readOnly: config.readOnly };
    throw e;
  }
}
