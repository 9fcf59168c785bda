/**
 * Confirmation tokens of the MCP server's two-step changes. `plan_*` issues a token bound to the
 * action, backend, key, lock ID, the fingerprint of the lock as read (`seen`), the caller and a short
 * expiry; `apply_*` redeems it once. A token is `lbp1.<nonce>.<HMAC>`: the nonce finds the plan kept
 * in this process, the HMAC (per-process random secret) binds every field of it, so a token from
 * another process, a reused or expired one, or one for another lock or caller is refused.
 */
import crypto from 'node:crypto';

export type PlanAction = 'unlock' | 'freeze' | 'unfreeze';

export interface PlanTarget {
  action: PlanAction;
  backend: string;
  key: string;
  /** The lock released (unlock, unfreeze); null for a freeze. */
  lockId: string | null;
}

export interface Plan extends PlanTarget {
  /** The lock's fingerprint as read (locks.ts), or null for "no lock there" (a freeze). */
  fingerprint: string | null;
  /** The human the server named (and the agent), at planning time. */
  caller: string;
  /** The request body the apply sends, as planned (reason included). */
  body: unknown;
  expiresAtMs: number;
}

export type PlanRefusalCode = 'unknown_token' | 'token_used' | 'token_expired' | 'token_mismatch' | 'caller_mismatch';

export class PlanRefusal extends Error {
  constructor(
    readonly code: PlanRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'PlanRefusal';
  }
}

interface Entry {
  plan: Plan;
  mac: Buffer;
  used: boolean;
}

const TOKEN = /^lbp1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export interface PlanStoreOptions {
  ttlMs: number;
  now?: () => number;
  /** Most plans kept at once (the oldest are forgotten first; their tokens are then unknown). */
  max?: number;
}

export class PlanStore {
  private readonly secret = crypto.randomBytes(32);
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly max: number;

  constructor(private readonly opts: PlanStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.max = opts.max ?? 256;
  }

  get ttlMs(): number {
    return this.opts.ttlMs;
  }

  private mac(nonce: string, plan: Plan): Buffer {
    const fields = [nonce, plan.action, plan.backend, plan.key, plan.lockId ?? '', plan.fingerprint ?? '', plan.caller, JSON.stringify(plan.body), String(plan.expiresAtMs)];
    return crypto.createHmac('sha256', this.secret).update(JSON.stringify(fields)).digest();
  }

  issue(planned: Omit<Plan, 'expiresAtMs'>): { token: string; expiresAt: string } {
    this.prune();
    const plan: Plan = { ...planned, expiresAtMs: this.now() + this.opts.ttlMs };
    const nonce = crypto.randomBytes(16).toString('base64url');
    const mac = this.mac(nonce, plan);
    this.entries.set(nonce, { plan, mac, used: false });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return { token: `lbp1.${nonce}.${mac.toString('base64url')}`, expiresAt: new Date(plan.expiresAtMs).toISOString() };
  }

  /**
   * The plan of a token for exactly this target and caller, marked used (single use). Throws a
   * PlanRefusal otherwise; a token refused for another target or caller stays usable for its own.
   */
  redeem(token: string, target: PlanTarget, caller: string): Plan {
    const m = TOKEN.exec(token.trim());
    const entry = m ? this.entries.get(m[1]!) : undefined;
    if (!m || !entry) throw new PlanRefusal('unknown_token', 'This confirmation token is not one this server issued (or it was forgotten): plan the change again.');
    const given = Buffer.from(m[2]!, 'base64url');
    if (given.length !== entry.mac.length || !crypto.timingSafeEqual(given, entry.mac) || !crypto.timingSafeEqual(this.mac(m[1]!, entry.plan), entry.mac)) {
      throw new PlanRefusal('unknown_token', 'This confirmation token does not match its plan: plan the change again.');
    }
    const { plan } = entry;
    if (entry.used) throw new PlanRefusal('token_used', 'This confirmation token was already used: each plan applies once. Plan the change again.');
    if (this.now() > plan.expiresAtMs) throw new PlanRefusal('token_expired', `This confirmation token expired at ${new Date(plan.expiresAtMs).toISOString()}: plan the change again.`);
    if (plan.action !== target.action || plan.backend !== target.backend || plan.key !== target.key || plan.lockId !== target.lockId) {
      throw new PlanRefusal('token_mismatch', `This confirmation token was planned for another change (${plan.action} of another lock or state), not this one: nothing changed.`);
    }
    if (plan.caller !== caller) throw new PlanRefusal('caller_mismatch', 'This confirmation token was planned by another caller: nothing changed.');
    entry.used = true;
    return plan;
  }

  /** Forgets plans past their expiry (a used or expired token then reads as unknown, still refused). */
  private prune(): void {
    const now = this.now();
    for (const [nonce, e] of this.entries) if (now > e.plan.expiresAtMs + this.opts.ttlMs) this.entries.delete(nonce);
  }
}
