/**
 * Per-actor rate limit of the events made from audit records (mutations, downloads). Pure state
 * machine: the clock is passed in. One token bucket per actor and event type per replica: `burst`
 * events at once, then one per `refillMs`. Events past it are counted, and once the suppression has
 * lasted `windowMs`, ONE summary says "N more <type> events by <actor>" (the caller sends it as an
 * event of that type, so channel filters apply to it too). At most `maxActors` buckets; past that,
 * new actors share the bucket `*`.
 */

export interface ActorLimits {
  burst: number;
  refillMs: number;
  windowMs: number;
  maxActors: number;
}

/** 20 at once, then one every 30 s (120 an hour) per actor and type; summaries after a minute. */
export const DEFAULT_ACTOR_LIMITS: ActorLimits = { burst: 20, refillMs: 30_000, windowMs: 60_000, maxActors: 10_000 };

export interface ActorSummary {
  actor: string;
  type: string;
  suppressed: number;
  /** The backend of the last suppressed event (the summary is claimed and sent there). */
  backendId: string;
  windowStartMs: number;
  windowEndMs: number;
}

interface Bucket {
  actor: string;
  type: string;
  tokens: number;
  refilledAt: number;
  suppressed: number;
  windowStartMs: number;
  backendId: string;
}

export class ActorLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(private readonly limits: ActorLimits = DEFAULT_ACTOR_LIMITS) {}

  /** True when this event may be sent now; false when it is counted for a summary instead. */
  admit(actor: string, type: string, backendId: string, nowMs: number): boolean {
    let id = `${type}\u0000${actor}`;
    if (!this.buckets.has(id) && this.buckets.size >= this.limits.maxActors) {
      this.evictIdle(nowMs);
      if (this.buckets.size >= this.limits.maxActors) id = `${type}\u0000*`;
    }
    let b = this.buckets.get(id);
    if (!b) {
      b = { actor: id.slice(type.length + 1), type, tokens: this.limits.burst, refilledAt: nowMs, suppressed: 0, windowStartMs: nowMs, backendId };
      this.buckets.set(id, b);
    }
    const earned = Math.floor((nowMs - b.refilledAt) / this.limits.refillMs);
    if (earned > 0) {
      b.tokens = Math.min(this.limits.burst, b.tokens + earned);
      b.refilledAt = b.tokens === this.limits.burst ? nowMs : b.refilledAt + earned * this.limits.refillMs;
    }
    if (b.tokens > 0) {
      b.tokens--;
      return true;
    }
    if (b.suppressed === 0) b.windowStartMs = nowMs;
    b.suppressed++;
    b.backendId = backendId;
    return false;
  }

  /** The summaries due: suppression that has lasted `windowMs` (every one with `all`). Their counts restart. */
  flush(nowMs: number, all = false): ActorSummary[] {
    const out: ActorSummary[] = [];
    for (const b of this.buckets.values()) {
      if (b.suppressed === 0 || (!all && nowMs - b.windowStartMs < this.limits.windowMs)) continue;
      out.push({ actor: b.actor, type: b.type, suppressed: b.suppressed, backendId: b.backendId, windowStartMs: b.windowStartMs, windowEndMs: nowMs });
      b.suppressed = 0;
    }
    return out;
  }

  get tracked(): number {
    return this.buckets.size;
  }

  /** Forgets buckets that are full again and owe no summary. */
  private evictIdle(nowMs: number): void {
    for (const [id, b] of this.buckets) {
      if (b.suppressed === 0 && b.tokens + Math.floor((nowMs - b.refilledAt) / this.limits.refillMs) >= this.limits.burst) this.buckets.delete(id);
    }
  }
}
