/**
 * One watcher per backend per replica: it reads the backend every interval while someone viewed it
 * recently (or while something else, such as alerting, keeps it on), and not at all otherwise.
 *
 * The freshness contract it enforces:
 * - A read is served while `now - completedAt < interval`, or while a read that started less than an
 *   interval after it completed is still running (that read replaces it when it completes). So no
 *   answer carries a listing older than the interval plus the time of one read (its `fetchedAt` is
 *   when the read completed), and viewers do not wait just because reads are slower than the interval.
 * - Otherwise the caller waits for a read; concurrent callers share the one in flight. With `patienceMs`
 *   set, an interval over 0 and a read of this epoch kept, the caller waits at most that long, then gets the kept read
 *   marked `behind` (the newer read goes on and replaces it): sixty backends on one slow endpoint show
 *   their last reads, labelled, instead of each viewer waiting its turn in the endpoint's queue.
 * - `invalidate()` (after a mutation) drops the latest read, and a read already in flight, started
 *   before the mutation, is not handed to anyone who asks after it.
 * - While active, a read starts every interval (an interval after the previous one started, even if
 *   that one is still running, at most two at once), so a fresh read completes about every interval
 *   and viewers of a watched backend rarely wait; AWS sees at most one read started per interval,
 *   whatever the number of viewers.
 *
 * - `push()` (event mode, issue 24) keeps a value built without reading AWS as the latest read.
 *
 * Generic and free of AWS (the read is injected) so it is unit-tested with a fake read.
 */
import { logger } from './logger';

export interface WatchedRead<T> {
  value: T;
  /** Epoch ms when the read started and when it completed. */
  startedAt: number;
  completedAt: number;
  /** False for a read that failed (fully or partly): never served as a fresh listing by callers. */
  ok: boolean;
  /** Served past `patienceMs` while a newer read still runs: the last read, not a fresh one. */
  behind?: boolean;
}

export interface WatcherOptions<T> {
  /** One read of the backend. Should not reject (errors belong in the value); a rejection is passed to the waiting callers and not kept. */
  read: () => Promise<T>;
  isOk: (value: T) => boolean;
  /** The watch interval in ms (0: no reuse and no background reads; every caller gets a fresh, shared read). */
  intervalMs: () => number;
  /** How long after the last view the watcher keeps reading. */
  idleAfterMs: () => number;
  /** True while something other than viewers needs the backend watched (alerting). */
  keepAlive?: () => boolean;
  /** Called after each read is kept, with the read it replaces (for event derivation). */
  onRead?: (read: WatchedRead<T>, previous: WatchedRead<T> | null) => void;
  /** How long a caller waits for a fresh read when a read is kept (default: as long as the read takes). */
  patienceMs?: () => number;
  /** Called on each get(): true when the latest read was fresh, false when the caller waited for a read. */
  onServe?: (fresh: boolean) => void;
  now?: () => number;
}

const MAX_RUNNING = 2;

export class Watcher<T> {
  private latest: WatchedRead<T> | null = null;
  private lastGood: WatchedRead<T> | null = null;
  /** The newest read in flight (viewers wait for it); older ones may still be running. */
  private inFlight: { promise: Promise<WatchedRead<T>>; epoch: number } | null = null;
  private running = 0;
  /** Start times of the reads running now, with their epoch. */
  private runningStarts = new Set<{ startedAt: number; epoch: number }>();
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private epoch = 0;
  private lastViewedAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Reads started (tests and the benchmark). */
  reads = 0;

  constructor(private readonly options: WatcherOptions<T>) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The latest read if it is fresh, else a fresh read (shared). Counts as a view. */
  async get(): Promise<WatchedRead<T>> {
    const now = this.now();
    this.lastViewedAt = now;
    const latest = this.latest;
    const fresh = latest !== null && this.servable(latest, now);
    this.options.onServe?.(fresh);
    const result = fresh ? latest : await this.freshOrLatest(latest);
    this.schedule();
    return result;
  }

  /** A fresh read, or after `patienceMs` the kept one marked `behind` (the fresh read goes on). */
  private async freshOrLatest(latest: WatchedRead<T> | null): Promise<WatchedRead<T>> {
    const reading = this.refresh();
    const patience = this.options.patienceMs?.() ?? Number.POSITIVE_INFINITY;
    // Interval 0 promises every caller a fresh read: no patience there.
    if (latest === null || !Number.isFinite(patience) || this.options.intervalMs() <= 0) return reading;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), Math.max(0, patience));
    });
    try {
      const read = await Promise.race([reading, late]);
      if (read !== null) return read;
      const kept = this.latest;
      if (kept === latest) return { ...latest, behind: true };
      // A newer read was kept meanwhile, or a mutation invalidated: wait for a read after it.
      return kept ?? (await this.refresh());
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Whether the latest read may be served: completed less than an interval ago, or a read started
   * since the last invalidation and less than an interval after the latest completed is on its way
   * (it will replace the latest within one read's time: the bound of the freshness contract). Without
   * the second case every viewer would wait for the next read whenever reads take longer than the
   * interval. Interval 0 means no reuse at all.
   */
  private servable(latest: WatchedRead<T>, now: number): boolean {
    const interval = this.options.intervalMs();
    if (now - latest.completedAt < interval) return true;
    if (interval <= 0) return false;
    for (const r of this.runningStarts) if (r.epoch === this.epoch && r.startedAt - latest.completedAt < interval) return true;
    return false;
  }

  /** The latest kept read, fresh or not (metrics, events). */
  peek(): WatchedRead<T> | null {
    return this.latest;
  }

  /** The latest successful read (labelled "last known" wherever it is shown). */
  lastSuccessful(): WatchedRead<T> | null {
    return this.lastGood;
  }

  /** After a mutation: the next answer waits for a read started after this call. */
  invalidate(): void {
    this.epoch++;
    this.latest = null;
  }

  /** True while the watcher reads on its own. */
  active(now = this.now()): boolean {
    if (this.stopped || this.options.intervalMs() <= 0) return false;
    return (this.options.keepAlive?.() ?? false) || now - this.lastViewedAt <= this.options.idleAfterMs();
  }

  /** Starts the background loop if it should run (alerting calls this at start-up). */
  wake(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Keeps `value` as a read completed now, without reading (event mode: the snapshot changed key by
   * key). Listeners are told as of any read; a read still running, started before, is not kept.
   */
  push(value: T): void {
    const now = this.now();
    this.keep({ value, startedAt: now, completedAt: now, ok: this.options.isOk(value) }, this.epoch);
  }

  /** Starts a read unless one started since the last invalidation is running. */
  refresh(): Promise<WatchedRead<T>> {
    if (this.inFlight && this.inFlight.epoch === this.epoch) return this.inFlight.promise;
    return this.start();
  }

  private start(): Promise<WatchedRead<T>> {
    const epoch = this.epoch;
    const startedAt = this.now();
    this.lastStartedAt = startedAt;
    this.running++;
    const started = { startedAt, epoch };
    this.runningStarts.add(started);
    this.reads++;
    const promise = this.options.read().then(
      (value) => {
        const completedAt = this.now();
        const read: WatchedRead<T> = { value, startedAt, completedAt, ok: this.options.isOk(value) };
        this.keep(read, epoch);
        return read;
      },
      (error: unknown) => {
        throw error;
      },
    );
    const entry = { promise, epoch };
    this.inFlight = entry;
    promise
      .catch(() => undefined)
      .finally(() => {
        this.running--;
        this.runningStarts.delete(started);
        if (this.inFlight === entry) this.inFlight = null;
        this.schedule();
      });
    return promise;
  }

  private keep(read: WatchedRead<T>, epoch: number): void {
    // A read started before an invalidation, or overtaken by a later one, is not kept.
    if (epoch !== this.epoch) return;
    if (this.latest && this.latest.startedAt > read.startedAt) return;
    const previous = this.latest;
    this.latest = read;
    if (read.ok) this.lastGood = read;
    try {
      this.options.onRead?.(read, previous);
    } catch (e) {
      logger.error('watcher listener failed', { error: e });
    }
  }

  /**
   * Plans the next background read: an interval after the previous one started, so at most one read
   * starts per interval. It starts even while the previous one still runs (a read slower than the
   * interval), at most two at once: then a read completes every interval and viewers never wait.
   */
  private schedule(): void {
    if (this.timer || this.running >= MAX_RUNNING || !this.active()) return;
    const interval = this.options.intervalMs();
    const now = this.now();
    const delay = Math.max(0, (Number.isFinite(this.lastStartedAt) ? this.lastStartedAt : now) + interval - now);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.active() || this.running >= MAX_RUNNING) return;
      // A viewer (after a mutation, or this timer running late) started a read meanwhile: plan from that one.
      if (this.now() - this.lastStartedAt < this.options.intervalMs()) return this.schedule();
      this.start().catch(() => undefined);
      this.schedule();
    }, delay);
    this.timer.unref?.();
  }
}
