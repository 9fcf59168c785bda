/**
 * Who is calling and what they may do. Lockboard does no login of its own: with `authMode: proxy`
 * an authenticating proxy in front of it (oauth2-proxy, ALB/OIDC, IAP) sets a trusted header naming
 * the user (and, optionally, their groups), or a signed token (`authJwt`) that `proxy.ts` verifies
 * before any route runs; with `none` (the demo default) everyone is an anonymous operator, and the
 * page says so. What each caller may do where is decided by `access.ts`.
 */
import crypto from 'node:crypto';
import type { AppConfig, Role } from '../server/config';
import { AppError } from '../api/errors';
import { allowed, roleAtLeast, roleOn, type AccessConfig } from './access';

export interface Identity {
  user: string;
  anonymous: boolean;
  /** Groups the proxy (or the verified token) names; absent or empty when none. */
  groups?: string[];
}

type AuthConfig = Pick<AppConfig, 'authMode' | 'authUserHeader' | 'operators' | 'readOnly'> &
  Partial<Pick<AppConfig, 'authGroupsHeader' | 'authJwt' | 'defaultRole' | 'accessRules'>>;

export const ANONYMOUS: Identity = { user: 'anonymous', anonymous: true, groups: [] };

/** Most groups and characters kept from a header or token (a proxy cannot make us store megabytes). */
const MAX_GROUPS = 200;
const MAX_NAME = 256;

/**
 * Internal request headers through which `proxy.ts` hands a verified token's identity to the routes.
 * The proxy deletes any copy a client sent, and signs what it sets with a per-process secret, so a
 * request that somehow skipped the proxy cannot forge them.
 */
export const VERIFIED_USER_HEADER = 'x-lockboard-verified-user';
export const VERIFIED_GROUPS_HEADER = 'x-lockboard-verified-groups';
export const VERIFIED_PROOF_HEADER = 'x-lockboard-verified-proof';
export const INTERNAL_HEADERS = [VERIFIED_USER_HEADER, VERIFIED_GROUPS_HEADER, VERIFIED_PROOF_HEADER];

const secretHolder = globalThis as typeof globalThis & { __lockboardIdentitySecret?: Buffer };
function processSecret(): Buffer {
  secretHolder.__lockboardIdentitySecret ??= crypto.randomBytes(32);
  return secretHolder.__lockboardIdentitySecret;
}

function proofOf(user: string, groups: string): string {
  return crypto.createHmac('sha256', processSecret()).update(`${user}\n${groups}`).digest('base64url');
}

/** The headers `proxy.ts` sets for a verified identity. */
export function verifiedIdentityHeaders(user: string, groups: string[]): Record<string, string> {
  const g = groups.map(encodeURIComponent).join(',');
  const u = encodeURIComponent(user);
  return { [VERIFIED_USER_HEADER]: u, [VERIFIED_GROUPS_HEADER]: g, [VERIFIED_PROOF_HEADER]: proofOf(u, g) };
}

/** Comma-separated names, trimmed, bounded. */
export function parseGroups(raw: string | null | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((g) => g.trim().slice(0, MAX_NAME))
    .filter(Boolean)
    .slice(0, MAX_GROUPS);
}

function unauthorized(message: string): AppError {
  return new AppError('unauthorized', message);
}

/** The caller. In proxy mode a request without the user header (or verified token) gets 401 (the proxy was bypassed). */
export function identify(request: Request, config: AuthConfig): Identity {
  if (config.authMode === 'none') return ANONYMOUS;
  if (config.authJwt) {
    const u = request.headers.get(VERIFIED_USER_HEADER);
    const g = request.headers.get(VERIFIED_GROUPS_HEADER) ?? '';
    const proof = request.headers.get(VERIFIED_PROOF_HEADER) ?? '';
    const expected = u === null ? '' : proofOf(u, g);
    if (u === null || u === '' || proof.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(proof), Buffer.from(expected))) {
      throw unauthorized(`No verified identity: the request lacks a valid signed token in the "${config.authJwt.header}" header.`);
    }
    return { user: decodeURIComponent(u), anonymous: false, groups: g === '' ? [] : g.split(',').map(decodeURIComponent) };
  }
  const user = request.headers.get(config.authUserHeader)?.trim() ?? '';
  if (user === '') {
    throw unauthorized(`No user identity: the request lacks the "${config.authUserHeader}" header that the authenticating proxy sets.`);
  }
  if (user.length > MAX_NAME) throw unauthorized(`The "${config.authUserHeader}" header is longer than ${MAX_NAME} characters.`);
  return { user, anonymous: false, groups: parseGroups(request.headers.get(config.authGroupsHeader ?? 'x-forwarded-groups')) };
}

function accessConfig(config: AuthConfig): AccessConfig {
  return { authMode: config.authMode, operators: config.operators, readOnly: config.readOnly, defaultRole: config.defaultRole ?? 'viewer', accessRules: config.accessRules ?? [] };
}

/** Whether this user is in the operators list (case-insensitive: the proxy may vary an e-mail's case). */
export function isOperator(identity: Identity, config: AuthConfig): boolean {
  const user = identity.user.toLowerCase();
  return config.operators.some((op) => op.toLowerCase() === user);
}

/**
 * Whether the caller may mutate anything at all: never in read-only mode; everyone in mode none; in
 * proxy mode the operators, and anyone an access rule makes operator somewhere (the scoped check,
 * `assertAllowed`, then decides per backend and key).
 */
export function canMutate(identity: Identity, config: AuthConfig): boolean {
  if (config.readOnly) return false;
  if (config.authMode === 'none') return true;
  if (identity.anonymous) return false;
  if (isOperator(identity, config)) return true;
  const access = accessConfig(config);
  if (access.defaultRole === 'operator') return true;
  const caller = { ...identity, groups: identity.groups ?? [] };
  // Operator somewhere: some operator rule names the caller (its backends and keys are checked per request).
  return access.accessRules.some((r) => r.role === 'operator' && r.backends.some((b) => roleAtLeast(roleOn(caller, b, null, { ...access, accessRules: [{ ...r, backends: ['**'] }] }), 'operator')));
}

/** Throws the 403 that explains why this caller may not mutate (nothing when they may). */
export function assertCanMutate(identity: Identity, config: AuthConfig): void {
  if (config.readOnly) throw new AppError('forbidden', 'Lockboard runs in read-only mode: changes are disabled for everyone.', { reason: 'read_only' });
  if (!canMutate(identity, config)) {
    throw new AppError('forbidden', `User "${identity.user}" is not an operator: only the users listed in LOCKBOARD_OPERATORS (or given the operator role by an access rule) may make changes.`, { reason: 'not_operator' });
  }
}

const ROLE_WORDS: Record<Role, string> = { viewer: 'view', stateReader: 'download raw state from', operator: 'change' };

/**
 * The scoped check: throws 403 unless the caller has at least `role` on `key` of backend `backendId`
 * (`key` null: on some key of it). For `operator` the read-only switch applies too.
 */
export function assertAllowed(identity: Identity, role: Role, backendId: string, key: string | null, config: AuthConfig): void {
  if (role === 'operator' && config.readOnly) {
    throw new AppError('forbidden', 'Lockboard runs in read-only mode: changes are disabled for everyone.', { reason: 'read_only' });
  }
  const caller = { ...identity, groups: identity.groups ?? [] };
  if (!allowed(caller, role, backendId, key, accessConfig(config))) {
    const where = key === null ? `backend "${backendId}"` : `"${key}" in backend "${backendId}"`;
    throw new AppError('forbidden', `User "${identity.user}" may not ${ROLE_WORDS[role]} ${where}: that needs the ${role} role (see accessRules).`, { reason: 'not_allowed', role, backend: backendId, ...(key === null ? {} : { key }) });
  }
}

/** Whether the caller has at least `role` there (never throws). */
export function isAllowed(identity: Identity, role: Role, backendId: string, key: string | null, config: AuthConfig): boolean {
  return allowed({ ...identity, groups: identity.groups ?? [] }, role, backendId, key, accessConfig(config));
}
