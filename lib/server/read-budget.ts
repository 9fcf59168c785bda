/**
 * Live reads first. Every AWS request of Lockboard passes one gate per endpoint (backends on the
 * same endpoint share it, so sixty small backends on one account do not each get a full share):
 *
 * - `live` requests (the watcher's reads, the reads and writes of a request or a mutation, alerting)
 *   are admitted at once while fewer than `maxInFlight` requests run on the endpoint, else first in
 *   line.
 * - `background` requests (inventory passes, last-writer lookups, version histories of the
 *   migration view, posture history) are admitted only while no live request waits, at most half
 *   the endpoint's slots, and at most `limit` at once per backend. That limit is adaptive (AIMD):
 *   it halves when AWS throttles or when live requests on the endpoint slow down (a kind of request,
 *   backend and operation, well above its own baseline), pauses entirely when it reaches zero
 *   (doubling pauses, 20 s at most), and grows back by one per `limit` successful background requests.
 *
 * Pure bookkeeping: no I/O, time injected, so it is unit-tested; lib/aws/clients.ts applies it to
 * every SDK request.
 */

export type ReadPriority = 'live' | 'background';

export interface BudgetOptions {
  /** Requests in flight at once per endpoint (live and background together). */
  maxInFlight: number;
  /** Background requests in flight at once per backend, at most. */
  maxBackground: number;
  /** A background request that waited this long is refused (the caller sees a timeout). */
  maxBackgroundWaitMs: number;
  now: () => number;
  /** Told of every change of a backend's background limit, with the cause of a back-off. */
  onLimit?: (backendId: string, limit: number, backoff: 'throttled' | 'live_slow' | null) => void;
}

export const DEFAULT_BUDGET: Omit<BudgetOptions, 'now'> = { maxInFlight: 24, maxBackground: 4, maxBackgroundWaitMs: 60_000 };

/** Live latency counts as "slow" when its recent average is this many times its baseline (and over SLOW_FLOOR_MS). */
const SLOW_FACTOR = 3;
const SLOW_FLOOR_MS = 250;
const PAUSE_MIN_MS = 2_000;
// Short enough that background work resumes soon after a slow-down ends (a pause is not cut short).
const PAUSE_MAX_MS = 20_000;
const BACKOFF_COOLDOWN_MS = 1_000;

interface Waiter {
  priority: ReadPriority;
  backendId: string;
  since: number;
  grant: (release: () => void) => void;
  refuse: (error: Error) => void;
}

interface BackgroundState {
  /** Allowed in flight now (0: paused until `pausedUntil`). */
  limit: number;
  inFlight: number;
  /** Successes since the last increase. */
  credit: number;
  pausedUntil: number;
  pauseMs: number;
  backoffs: number;
  lastBackoffAt: number;
}

function isSlow(l: { recentMs: number; baselineMs: number }): boolean {
  return l.recentMs > SLOW_FLOOR_MS && l.recentMs > SLOW_FACTOR * l.baselineMs;
}

export class BudgetWaitTimeout extends Error {
  constructor(waitedMs: number) {
    super(`background AWS request waited ${Math.round(waitedMs / 1000)} s for the live reads of its endpoint: given up`);
    // Read as a timeout by lib/aws/errors.ts (aws_timeout), like any request past its deadline.
    this.name = 'TimeoutError';
  }
}

export class EndpointBudget {
  private inFlight = 0;
  private backgroundInFlight = 0;
  private readonly waiting: Waiter[] = [];
  private readonly backgrounds = new Map<string, BackgroundState>();
  /**
   * Live latency per kind of request (backend and operation: a Scan page of a big table is not a slow
   * GetItem): a fast-moving average and a baseline, both in ms.
   */
  private readonly latency = new Map<string, { recentMs: number; baselineMs: number }>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: BudgetOptions) {}

  /** Waits for a slot; the returned function releases it (call it exactly once). */
  acquire(priority: ReadPriority, backendId: string): Promise<() => void> {
    return new Promise((grant, refuse) => {
      this.waiting.push({ priority, backendId, since: this.options.now(), grant, refuse });
      this.pump();
    });
  }

  /** A live request of `kind` (e.g. `<backend>:<operation>`) finished after `ms` (feeds the slow-down signal). */
  onLiveLatency(ms: number, kind = ''): void {
    const l = this.latency.get(kind);
    if (!l) {
      this.latency.set(kind, { recentMs: ms, baselineMs: ms });
      return;
    }
    l.recentMs = l.recentMs * 0.7 + ms * 0.3;
    // The baseline drops at once to a faster answer (it is the healthy speed) and follows a lasting
    // change within a few requests: a table that grew is more work per page, not a slow-down.
    l.baselineMs = Math.min(l.baselineMs * 0.95 + ms * 0.05, Math.max(ms, l.baselineMs * 0.9));
    if (isSlow(l)) for (const id of this.backgrounds.keys()) this.backOff(id, 'live_slow');
  }

  /** AWS throttled a request of this backend (any priority): background work backs off. */
  onThrottle(backendId: string): void {
    this.backOff(backendId, 'throttled');
  }

  /** A background request of this backend succeeded: additive increase while live reads are healthy. */
  onBackgroundSuccess(backendId: string): void {
    const bg = this.background(backendId);
    if (bg.limit === 0 || this.liveIsSlow()) return;
    bg.credit++;
    if (bg.credit >= bg.limit && bg.limit < this.options.maxBackground) {
      bg.limit++;
      bg.credit = 0;
      bg.pauseMs = PAUSE_MIN_MS;
      this.options.onLimit?.(backendId, bg.limit, null);
    }
  }

  /** For metrics and tests. */
  status(backendId: string): { limit: number; inFlight: number; pausedForMs: number; backoffs: number; waiting: number } {
    const bg = this.background(backendId);
    return {
      limit: bg.limit,
      inFlight: bg.inFlight,
      pausedForMs: Math.max(0, bg.pausedUntil - this.options.now()),
      backoffs: bg.backoffs,
      waiting: this.waiting.filter((w) => w.backendId === backendId && w.priority === 'background').length,
    };
  }

  liveInFlight(): number {
    return this.inFlight - this.backgroundInFlight;
  }

  private liveIsSlow(): boolean {
    for (const l of this.latency.values()) if (isSlow(l)) return true;
    return false;
  }

  private background(backendId: string): BackgroundState {
    let bg = this.backgrounds.get(backendId);
    if (!bg) {
      bg = { limit: Math.min(2, this.options.maxBackground), inFlight: 0, credit: 0, pausedUntil: 0, pauseMs: PAUSE_MIN_MS, backoffs: 0, lastBackoffAt: Number.NEGATIVE_INFINITY };
      this.backgrounds.set(backendId, bg);
    }
    return bg;
  }

  private backOff(backendId: string, cause: 'throttled' | 'live_slow'): void {
    const bg = this.background(backendId);
    const now = this.options.now();
    // One back-off per second (and none during a pause): a burst of throttled answers is one signal, not twenty.
    if (bg.pausedUntil > now || now - bg.lastBackoffAt < BACKOFF_COOLDOWN_MS) return;
    bg.lastBackoffAt = now;
    bg.backoffs++;
    bg.credit = 0;
    bg.limit = Math.floor(bg.limit / 2);
    if (bg.limit === 0) {
      bg.pausedUntil = now + bg.pauseMs;
      bg.pauseMs = Math.min(bg.pauseMs * 2, PAUSE_MAX_MS);
      this.wakeAt(bg.pausedUntil);
    }
    this.options.onLimit?.(backendId, bg.limit, cause);
  }

  private admissible(w: Waiter, now: number): boolean {
    if (this.inFlight >= this.options.maxInFlight) return false;
    if (w.priority === 'live') return true;
    if (this.waiting.some((o) => o.priority === 'live')) return false;
    if (this.backgroundInFlight >= Math.max(1, Math.floor(this.options.maxInFlight / 2))) return false;
    const bg = this.background(w.backendId);
    if (bg.limit === 0) {
      if (now < bg.pausedUntil) return false;
      // The pause is over: resume gently.
      bg.limit = 1;
      this.options.onLimit?.(w.backendId, 1, null);
    }
    return bg.inFlight < bg.limit;
  }

  private pump(): void {
    const now = this.options.now();
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i]!;
      if (w.priority === 'background' && now - w.since > this.options.maxBackgroundWaitMs) {
        this.waiting.splice(i, 1);
        w.refuse(new BudgetWaitTimeout(now - w.since));
      }
    }
    // Live requests in arrival order, then background ones (only once no live one waits).
    for (;;) {
      const i = this.waiting.findIndex((w) => w.priority === 'live' && this.admissible(w, now));
      const j = i === -1 ? this.waiting.findIndex((w) => w.priority === 'background' && this.admissible(w, now)) : i;
      if (j === -1) return;
      this.start(this.waiting.splice(j, 1)[0]!);
    }
  }

  private start(w: Waiter): void {
    this.inFlight++;
    const bg = w.priority === 'background' ? this.background(w.backendId) : null;
    if (bg) {
      bg.inFlight++;
      this.backgroundInFlight++;
    }
    let released = false;
    w.grant(() => {
      if (released) return;
      released = true;
      this.inFlight--;
      if (bg) {
        bg.inFlight--;
        this.backgroundInFlight--;
      }
      this.pump();
    });
  }

  /** Re-check the queue when a pause ends (nothing else may release a slot meanwhile). */
  private wakeAt(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, at - this.options.now()) + 5);
    this.timer.unref?.();
  }
}
