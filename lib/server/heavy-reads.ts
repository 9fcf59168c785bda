import 'server-only';
/**
 * Heavy reads (a diff parses two whole state versions, the metadata of a large version parses one, a
 * raw download streams one) share one concurrency limit per replica, `maxHeavyReads` (default 3),
 * so a few viewers cannot take the process's memory with them. Each identified caller may hold at
 * most half of the slots (rounded up), so one person cannot take them all; anonymous callers (auth
 * mode `none`, the demo) count toward the total only.
 *
 * A request finding no free slot waits for one, up to HEAVY_READ_WAIT_MS, before anything is read
 * (a state page asks for a diff and several versions' metadata at once: they take turns); past that,
 * or when too many already wait, it is refused with 503 `busy` and `Retry-After: 2`. Waiting holds
 * only the request, never a byte of state.
 *
 * A download holds its slot until its stream ends, fails or is cancelled by the client, and no
 * longer than this: a client that takes nothing for DOWNLOAD_PROGRESS_MS (it took the headers and
 * stopped reading), or a download still running after DOWNLOAD_DEADLINE_MS, is cut off and its slot
 * freed (three such connections used to keep every diff and download at 503 for as long as they
 * stayed open).
 */
import { AppError } from '../api/errors';
import { getConfig } from './config';
import { faults } from './faults';

const RETRY_AFTER_SECONDS = 2;
/** A download whose client reads nothing for this long is ended. */
export const DOWNLOAD_PROGRESS_MS = 20_000;
/** No download runs longer than this (about 400 KB/s for the largest state Lockboard reads). */
export const DOWNLOAD_DEADLINE_MS = 10 * 60_000;
/** Longest wait for a free slot before 503 `busy`. */
export const HEAVY_READ_WAIT_MS = 10_000;
/** Requests that may wait at once, per slot of the replica (more are refused at once). */
const WAITERS_PER_SLOT = 4;

const state = { inUse: 0, peak: 0, byCaller: new Map<string, number>() };
/** Wakes the waiting requests (each tries again) when a slot is freed. */
const waiting = new Set<() => void>();

export type Release = () => void;

/** Who asks: an identified user's name, or null for an anonymous caller (counted in the total only). */
export type HeavyReader = string | null;

/** Slots one identified caller may hold at once: half of them, rounded up. */
export function perCallerLimit(limit: number): number {
  return Math.ceil(limit / 2);
}

/** Slots in use and the highest number in use since start (for tests). */
export function heavyReadStats(): { inUse: number; peak: number } {
  return { inUse: state.inUse, peak: state.peak };
}

function busy(message: string, limit: number, scope: 'replica' | 'caller'): AppError {
  return new AppError('busy', message, { limit, retryAfterSeconds: RETRY_AFTER_SECONDS, scope });
}

/** Takes a slot for `caller` now, or throws 503 `busy` when none is free for them. The release is idempotent. */
function takeSlot(caller: HeavyReader): Release {
  const limit = getConfig().maxHeavyReads;
  if (state.inUse >= limit) {
    throw busy(`This server is already running ${limit} diffs or raw downloads (its maxHeavyReads); try again in a few seconds.`, limit, 'replica');
  }
  const own = caller === null ? 0 : (state.byCaller.get(caller) ?? 0);
  const mine = perCallerLimit(limit);
  if (caller !== null && own >= mine) {
    throw busy(`You already have ${own} diffs or raw downloads running on this server, the most one person may run at once (half of its maxHeavyReads ${limit}); try again when one has finished.`, mine, 'caller');
  }
  state.inUse++;
  state.peak = Math.max(state.peak, state.inUse);
  if (caller !== null) state.byCaller.set(caller, own + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    state.inUse--;
    if (caller !== null) {
      const left = (state.byCaller.get(caller) ?? 1) - 1;
      if (left > 0) state.byCaller.set(caller, left);
      else state.byCaller.delete(caller);
    }
    for (const wake of [...waiting]) wake();
  };
}

/** A slot for `caller` if one is free now, else null (never waits, never throws `busy`). */
export function tryAcquireHeavyRead(caller: HeavyReader): Release | null {
  try {
    return takeSlot(caller);
  } catch (e) {
    if (e instanceof AppError && e.code === 'busy') return null;
    throw e;
  }
}

/** Takes a slot for `caller`, waiting up to HEAVY_READ_WAIT_MS for one; 503 `busy` past that. */
export async function acquireHeavyRead(caller: HeavyReader): Promise<Release> {
  const waitMs = faults.delay('heavy-read:wait-ms', HEAVY_READ_WAIT_MS);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return takeSlot(caller);
    } catch (e) {
      if (Date.now() >= deadline || waiting.size >= WAITERS_PER_SLOT * getConfig().maxHeavyReads) throw e;
    }
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
      waiting.add(wake);
    });
  }
}

/** Runs `fn` holding a slot (a diff: the slot is freed when the answer is computed). */
export async function withHeavyRead<T>(caller: HeavyReader, fn: () => Promise<T>): Promise<T> {
  const release = await acquireHeavyRead(caller);
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * A download's stream that frees the slot when it ends, fails or is cancelled, and ends it (an error
 * for the client, the upstream read cancelled) when the client stops taking bytes or the deadline passes.
 */
export function releasingStream(stream: ReadableStream<Uint8Array>, release: Release): ReadableStream<Uint8Array> {
  const progressMs = faults.delay('download:progress-ms', DOWNLOAD_PROGRESS_MS);
  const deadlineMs = faults.delay('download:deadline-ms', DOWNLOAD_DEADLINE_MS);
  const reader = stream.getReader();
  let reading = false;
  let idleSince = Date.now();
  let watch: ReturnType<typeof setInterval> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const finish = () => {
    clearInterval(watch);
    clearTimeout(deadline);
    release();
  };
  const cutOff = (controller: ReadableStreamDefaultController<Uint8Array>, why: string) => {
    finish();
    reader.cancel(why).catch(() => undefined);
    controller.error(new Error(why));
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // "Idle" is time the stream waited for the client to ask for more, not time S3 took to answer.
      watch = setInterval(() => {
        if (!reading && Date.now() - idleSince > progressMs) cutOff(controller, `download ended: the client read nothing for ${Math.round(progressMs / 1000)} s`);
      }, Math.max(50, Math.min(1000, progressMs / 4)));
      deadline = setTimeout(() => cutOff(controller, `download ended: still running after ${Math.round(deadlineMs / 1000)} s`), deadlineMs);
      watch.unref?.();
      deadline.unref?.();
    },
    async pull(controller) {
      reading = true;
      try {
        const { done, value } = await reader.read();
        if (done) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (e) {
        finish();
        controller.error(e);
      } finally {
        reading = false;
        idleSince = Date.now();
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason);
    },
  });
}
