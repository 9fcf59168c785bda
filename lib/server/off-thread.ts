import 'server-only';
/**
 * Runs one state job (a diff, or the metadata of a large version) in a worker thread of its own:
 * off the event loop, with a heap limit and a deadline. A job over either is ended (the thread is
 * terminated; the replica and its other requests carry on) and answered as 422 `state_too_large`,
 * never as a 500. One fresh thread per job: its whole heap goes when it ends, and the number of jobs
 * at once is already bounded by the heavy-read slots (lib/server/heavy-reads.ts).
 */
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AppError, type ErrorDetails } from '../api/errors';
import { faults } from './faults';
import { logger } from './logger';
import { STATE_WORKER_MARK, type StateJob, type StateJobAnswer } from './state-worker';

/** Old-generation heap of one job's thread (a diff of two typical 64 MiB states fits in 384 MB). */
export const JOB_HEAP_MB = 512;
/** Longest one job may run (a diff of two 27 MiB states takes about 2 s on an idle core). */
export const JOB_DEADLINE_MS = 60_000;

/**
 * Next's server bundles (next build, next dev) say so in NEXT_RUNTIME; elsewhere (vitest, tsx) this
 * runs from the TypeScript sources and the thread loads the worker's source through tsx (Node 20 does
 * not pass `--import` loaders on to worker threads).
 */
const BUNDLED = process.env.NEXT_RUNTIME === 'nodejs';

function startWorker(resourceLimits: ResourceLimits): Worker {
  // This exact form is what Turbopack and webpack recognise: the worker becomes a chunk of its own.
  if (BUNDLED) return new Worker(new URL('./state-worker.ts', import.meta.url), { workerData: STATE_WORKER_MARK, resourceLimits });
  const source = fileURLToPath(import.meta.url).replace(/off-thread\.ts$/, 'state-worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true, workerData: STATE_WORKER_MARK, resourceLimits });
}

type Operation = ErrorDetails<'state_too_large'>['operation'];

function tooLarge(operation: Operation, reason: 'memory' | 'time', limit: number, context: Record<string, string>): AppError {
  const what = operation === 'diff' ? 'This diff' : 'Reading this version';
  const message =
    reason === 'memory'
      ? `${what} needs more than the ${limit} MB of memory one such job may use on this server, so it was stopped (the server itself is unaffected).`
      : `${what} took longer than the ${Math.round(limit / 1000)} s one such job may run on this server, so it was stopped (the server itself is unaffected).`;
  return new AppError('state_too_large', message, { ...context, operation, reason, limit });
}

/** Runs `job` in a worker thread; the bytes it carries are handed over (the caller must not use them after). */
export function runOffThread(job: StateJob, operation: Operation, context: { backend: string; key: string }): Promise<StateJobAnswer> {
  const heapMb = faults.delay('state-job:heap-mb', JOB_HEAP_MB);
  const deadlineMs = faults.delay('state-job:deadline-ms', JOB_DEADLINE_MS);
  const transfer = (job.kind === 'diff' ? [job.before, job.after] : [job.bytes]).map((b) => b.buffer as ArrayBuffer);
  const started = performance.now();
  return new Promise<StateJobAnswer>((resolve, reject) => {
    const worker = startWorker({ maxOldGenerationSizeMb: heapMb });
    let settled = false;
    let timedOut = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      settle(() => reject(tooLarge(operation, 'time', deadlineMs, context)));
    }, deadlineMs);
    worker.once('message', (answer: StateJobAnswer) => settle(() => resolve(answer)));
    worker.once('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        logger.warn('state job over its heap limit', { ...context, operation, heapMb, ms: Math.round(performance.now() - started) });
        settle(() => reject(tooLarge(operation, 'memory', heapMb, context)));
      } else settle(() => reject(e));
    });
    worker.once('exit', (code) => {
      if (!timedOut) settle(() => reject(new Error(`state job thread exited (code ${code}) without an answer`)));
    });
    worker.postMessage(job, transfer);
  });
}

/** Bytes the caller owns whole, so that handing them to the thread moves them instead of copying a larger buffer. */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer) ? bytes : bytes.slice();
}
