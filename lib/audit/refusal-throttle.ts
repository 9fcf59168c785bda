/**
 * Per-replica rate limit of stored refusal records. Pure state machine (the clock is passed in).
 *
 * Per caller (the user, or for an anonymous caller the client address) and action, the first
 * `perCaller` refusals of a one-minute window are stored in full; the rest are counted, and when the
 * window is over ONE summary record says "N more refusals of <action> by <caller>". A replica-wide cap
 * (`total` per window) bounds callers that change identity (e.g. a spoofed X-Forwarded-For): past it,
 * refusals are summarised under the caller `*`. At most `maxCallers` windows are tracked; past that,
 * new callers count under `*` too.
 */
import type { AuditAction } from './audit-record';

export interface RefusalLimits {
  perCaller: number;
  total: number;
  windowMs: number;
  maxCallers: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { perCaller: 20, total: 300, windowMs: 60_000, maxCallers: 10_000 };

/** A window that ended with refusals that were not stored one by one. */
export interface RefusalSummary {
  caller: string;
  action: AuditAction;
  suppressed: number;
  /** The backend and key of the last suppressed refusal (a sample, for the summary record). */
  backend: string;
  key: string | null;
  windowStartMs: number;
  windowEndMs: number;
}

interface Window {
  caller: string;
  action: AuditAction;
  startMs: number;
  stored: number;
  suppressed: number;
  backend: string;
  key: string | null;
}

export class RefusalThrottle {
  private windows = new Map<string, Window>();
  private totalStart = 0;
  private totalStored = 0;

  constructor(private readonly limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS) {}

  /**
   * Decides about one refusal: `store` true when it is stored in full. `summaries` are the windows
   * that ended (to be written as summary records now).
   */
  admit(caller: string, action: AuditAction, backend: string, key: string | null, nowMs: number): { store: boolean; summaries: RefusalSummary[] } {
    const summaries = this.flush(nowMs);
    if (nowMs - this.totalStart >= this.limits.windowMs) {
      this.totalStart = nowMs;
      this.totalStored = 0;
    }
    const overall = this.totalStored >= this.limits.total;
    let name = overall ? '*' : caller;
    if (!this.windows.has(`${action}\u0000${name}`) && this.windows.size >= this.limits.maxCallers) name = '*';
    const id = `${action}\u0000${name}`;
    let w = this.windows.get(id);
    if (!w) {
      w = { caller: name, action, startMs: nowMs, stored: 0, suppressed: 0, backend, key };
      this.windows.set(id, w);
    }
    if (name !== '*' && w.stored < this.limits.perCaller) {
      w.stored++;
      this.totalStored++;
      return { store: true, summaries };
    }
    w.suppressed++;
    w.backend = backend;
    w.key = key;
    return { store: false, summaries };
  }

  /** Ends every window older than the window length; returns those that suppressed something. */
  flush(nowMs: number, all = false): RefusalSummary[] {
    const out: RefusalSummary[] = [];
    for (const [id, w] of this.windows) {
      if (!all && nowMs - w.startMs < this.limits.windowMs) continue;
      this.windows.delete(id);
      if (w.suppressed > 0) out.push({ caller: w.caller, action: w.action, suppressed: w.suppressed, backend: w.backend, key: w.key, windowStartMs: w.startMs, windowEndMs: nowMs });
    }
    return out;
  }

  get tracked(): number {
    return this.windows.size;
  }
}

/**
 * The caller of a refusal for rate limiting: the user when identified, else the client address
 * (first X-Forwarded-For entry, or X-Real-IP), else `anonymous`.
 */
export function refusalCaller(input: { user: string; anonymous: boolean; client?: string | null }): string {
  if (!input.anonymous) return input.user;
  return input.client ? `anonymous@${input.client}` : 'anonymous';
}

/** The client address a request claims (bounded), or null. */
export function clientAddress(headers: Headers): string | null {
  const xff = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  const addr = xff || headers.get('x-real-ip')?.trim() || null;
  return addr ? addr.slice(0, 64) : null;
}
