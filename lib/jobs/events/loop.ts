/** A background loop's stop switch: sleeps and long polls end at once when it is stopped. */
import { AppError } from '../../api/errors';

export class Loop {
  stopped = false;
  private readonly controller = new AbortController();
  private readonly wakers = new Set<() => void>();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Waits `ms`, or less if the loop is stopped meanwhile. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      this.wakers.add(done);
    });
  }

  stop(): void {
    this.stopped = true;
    this.controller.abort();
    for (const wake of [...this.wakers]) wake();
  }
}

/** The fallback reason a failure gives (bounded: it is shown on the page). */
export function reasonOf(e: unknown): string {
  const message = e instanceof AppError || e instanceof Error ? e.message : String(e);
  return message.length > 300 ? `${message.slice(0, 297)}…` : message;
}
