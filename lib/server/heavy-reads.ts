import 'server-only';
/**
 * Heavy reads (a diff parses two whole state versions; a raw download streams one) share one
 * concurrency limit per replica, `maxHeavyReads` (default 3), so a few viewers cannot take the
 * process's memory with them. Over the limit a request is refused at once with 503 `busy` and
 * `Retry-After: 2` (no queue: a queued request would hold its socket and memory just the same).
 * A download holds its slot until its stream ends, fails or is cancelled by the client.
 */
import { AppError } from '../api/errors';
import { getConfig } from './config';

const RETRY_AFTER_SECONDS = 2;

const state = { inUse: 0, peak: 0 };

export type Release = () => void;

/** Slots in use and the highest number in use since start (for tests). */
export function heavyReadStats(): { inUse: number; peak: number } {
  return { ...state };
}

/** Takes a slot, or throws 503 `busy` at once when all are taken. The release is idempotent. */
export function acquireHeavyRead(): Release {
  const limit = getConfig().maxHeavyReads;
  if (state.inUse >= limit) {
    throw new AppError('busy', `This server is already running ${limit} diffs or raw downloads (its maxHeavyReads); try again in a few seconds.`, { limit, retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
  state.inUse++;
  state.peak = Math.max(state.peak, state.inUse);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    state.inUse--;
  };
}

/** Runs `fn` holding a slot (a diff: the slot is freed when the answer is computed). */
export async function withHeavyRead<T>(fn: () => Promise<T>): Promise<T> {
  const release = acquireHeavyRead();
  try {
    return await fn();
  } finally {
    release();
  }
}

/** A stream that frees the slot when it ends, fails or is cancelled. */
export function releasingStream(stream: ReadableStream<Uint8Array>, release: Release): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (e) {
        release();
        controller.error(e);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
}
