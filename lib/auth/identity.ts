/**
 * Who is calling and what they may do. Lockboard does no login of its own: with `authMode: proxy`
 * an authenticating proxy in front of it (oauth2-proxy, ALB/OIDC, IAP) sets a trusted header naming
 * the user; with `none` (the demo default) everyone is an anonymous operator, and the page says so.
 */
import type { AppConfig } from '../server/config';
import { AppError } from '../api/errors';

export interface Identity {
  user: string;
  anonymous: boolean;
}

type AuthConfig = Pick<AppConfig, 'authMode' | 'authUserHeader' | 'operators' | 'readOnly'>;

export const ANONYMOUS: Identity = { user: 'anonymous', anonymous: true };

/** The caller. In proxy mode a request without the user header gets 401 (the proxy was bypassed). */
export function identify(request: Request, config: AuthConfig): Identity {
  if (config.authMode === 'none') return ANONYMOUS;
  const user = request.headers.get(config.authUserHeader)?.trim() ?? '';
  if (user === '') {
    throw new AppError('unauthorized', `No user identity: the request lacks the "${config.authUserHeader}" header that the authenticating proxy sets.`);
  }
  return { user, anonymous: false };
}

/** Whether this user is in the operators list (case-insensitive: the proxy may vary an e-mail's case). */
export function isOperator(identity: Identity, config: AuthConfig): boolean {
  const user = identity.user.toLowerCase();
  return config.operators.some((op) => op.toLowerCase() === user);
}

/** Whether the caller may mutate: never in read-only mode; everyone in mode none; operators in proxy mode. */
export function canMutate(identity: Identity, config: AuthConfig): boolean {
  if (config.readOnly) return false;
  if (config.authMode === 'none') return true;
  return !identity.anonymous && isOperator(identity, config);
}

/** Throws the 403 that explains why this caller may not mutate (nothing when they may). */
export function assertCanMutate(identity: Identity, config: AuthConfig): void {
  if (config.readOnly) throw new AppError('forbidden', 'Lockboard runs in read-only mode: changes are disabled for everyone.', { reason: 'read_only' });
  if (!canMutate(identity, config)) {
    throw new AppError('forbidden', `User "${identity.user}" is not an operator: only the users listed in LOCKBOARD_OPERATORS may make changes.`, { reason: 'not_operator' });
  }
}
