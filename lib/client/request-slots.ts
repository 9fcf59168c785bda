/**
 * At most `max` requests of one kind in flight at once; the others wait here, in JavaScript, not in
 * the browser's connection pool. A browser opens 6 HTTP/1.1 connections per host: slow lookups
 * (last writers read S3 version histories) holding all six made the page's listing polls wait behind
 * them, and a page that stops polling shows old data as if it were current. A waiting request whose
 * signal aborts (its rows filtered away) leaves the queue without being sent.
 */
export class RequestSlots {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async run<T>(signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    await this.take(signal);
    try {
      return await send();
    } finally {
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }

  private take(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.inFlight < this.max) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', abort);
        this.inFlight += 1;
        resolve();
      };
      const abort = () => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason);
      };
      this.waiting.push(go);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }
}
