/**
 * Who may do what where. Three roles, each including the one before it:
 *
 *   viewer      locks, states, versions, masked diffs, the audit log
 *   stateReader raw state downloads (plaintext secrets)
 *   operator    changes (force-unlock, digest repair, restore)
 *
 * A caller's role on one state key of one backend is the highest of: the configured `defaultRole`
 * (every authenticated caller; `viewer` unless set), `operator` for the users in `operators`, and
 * every access rule whose backends, key globs and users/groups match. In mode `none` everyone is an
 * operator everywhere (the demo; the start-up line says so). Pure: no I/O.
 */
import type { AccessRule, AppConfig, Role } from '../server/config';
import { globMatches } from '../api/key-globs';

export type { Role } from '../server/config';

export type AccessConfig = Pick<AppConfig, 'authMode' | 'operators' | 'defaultRole' | 'accessRules' | 'readOnly'>;

export interface Caller {
  user: string;
  anonymous: boolean;
  groups: string[];
}

const RANK: Record<Role | 'none', number> = { none: 0, viewer: 1, stateReader: 2, operator: 3 };
const BY_RANK: Array<Role | 'none'> = ['none', 'viewer', 'stateReader', 'operator'];

export function roleAtLeast(role: Role | 'none', wanted: Role): boolean {
  return RANK[role] >= RANK[wanted];
}

export { globMatches } from '../api/key-globs';

function ruleNamesCaller(rule: AccessRule, caller: Caller): boolean {
  const user = caller.user.toLowerCase();
  if (rule.users.some((u) => u === user)) return true;
  const groups = new Set(caller.groups.map((g) => g.toLowerCase()));
  return rule.groups.some((g) => groups.has(g.toLowerCase()));
}

function ruleCoversBackend(rule: AccessRule, backendId: string): boolean {
  return rule.backends.some((b) => globMatches(b, backendId));
}

function baseRole(caller: Caller, config: AccessConfig): Role | 'none' {
  if (config.authMode === 'none') return 'operator';
  if (caller.anonymous) return 'none';
  const user = caller.user.toLowerCase();
  if (config.operators.some((op) => op.toLowerCase() === user)) return 'operator';
  return config.defaultRole;
}

/**
 * The caller's role on `key` of `backendId`. With `key` null: the highest role on ANY key of the
 * backend (what a listing route needs to answer at all; its rows are then filtered per key).
 */
export function roleOn(caller: Caller, backendId: string, key: string | null, config: AccessConfig): Role | 'none' {
  let rank = RANK[baseRole(caller, config)];
  if (config.authMode === 'none' || caller.anonymous) return BY_RANK[rank]!;
  for (const rule of config.accessRules) {
    if (RANK[rule.role] <= rank) continue;
    if (!ruleCoversBackend(rule, backendId) || !ruleNamesCaller(rule, caller)) continue;
    if (key === null || rule.keys.some((k) => globMatches(k, key))) rank = RANK[rule.role];
  }
  return BY_RANK[rank]!;
}

export function allowed(caller: Caller, role: Role, backendId: string, key: string | null, config: AccessConfig): boolean {
  return roleAtLeast(roleOn(caller, backendId, key, config), role);
}

/** What the caller may do on a backend as a whole (for the UI; the server checks each request). */
export interface BackendAccess {
  /** Highest role on any key of the backend. */
  role: Role | 'none';
  /** Key globs granting more than the base role (empty when the base role already covers everything). */
  rules: Array<{ keys: string[]; role: Role }>;
  baseRole: Role | 'none';
}

export function backendAccess(caller: Caller, backendId: string, config: AccessConfig): BackendAccess {
  const base = baseRole(caller, config);
  const rules =
    config.authMode === 'none' || caller.anonymous
      ? []
      : config.accessRules
          .filter((r) => RANK[r.role] > RANK[base] && ruleCoversBackend(r, backendId) && ruleNamesCaller(r, caller))
          .map((r) => ({ keys: r.keys, role: r.role }));
  return { role: roleOn(caller, backendId, null, config), rules, baseRole: base };
}
