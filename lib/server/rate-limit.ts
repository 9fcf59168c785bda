/**
 * A per-caller rate limit, per replica: at most `limit` takes per `windowMs` window for each key (a
 * user). Windows are fixed (they start at a key's first take); at most `maxKeys` keys are tracked,
 * the oldest dropped past that, so a flood of new callers costs bounded memory.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes one for `key`: null when allowed, else the whole seconds until the key may take again. */
  take(key: string, nowMs = Date.now()): number | null {
    let w = this.windows.get(key);
    if (!w || nowMs - w.start >= this.windowMs) {
      this.windows.delete(key);
      w = { start: nowMs, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.start + this.windowMs - nowMs) / 1000));
    w.count++;
    return null;
  }
}
