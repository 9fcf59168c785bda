/**
 * The code that runs in a worker thread (lib/server/off-thread.ts starts one per job): parsing whole
 * state versions and diffing them. Off the event loop, so `/api/health` and every other request keep
 * answering while a 20 MB diff runs; in a heap of its own with a size limit, so a state built to
 * exhaust memory ends this thread, not the replica.
 *
 * The bundlers (Turbopack, webpack) see `new Worker(new URL('./state-worker.ts', import.meta.url))`
 * and emit this file as its own server chunk, with what it imports: only the pure lib/terraform
 * model and Node built-ins (no `server-only`, which would refuse to load outside the React server).
 */
import crypto from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { jsonDepth } from '../terraform/json-depth';
import { diffStates, MAX_DIFF_DEPTH, type StateDiff } from '../terraform/state-diff';
import { parseStateFile, type StateMetadata } from '../terraform/state-file';

export type StateJob = { kind: 'diff'; before: Uint8Array; after: Uint8Array } | { kind: 'metadata'; bytes: Uint8Array };

export type StateJobAnswer =
  | { ok: true; kind: 'diff'; diff: StateDiff }
  | { ok: true; kind: 'metadata'; metadata: StateMetadata; md5: string }
  /** A version nests deeper than MAX_DIFF_DEPTH (`depth`: how deep it was found to be, at least). */
  | { ok: false; reason: 'depth'; side: 'from' | 'to'; depth: number };

/** One job, start to end (exported for the tests; the worker thread runs it on the message it gets). */
export function runStateJob(job: StateJob): StateJobAnswer {
  if (job.kind === 'metadata') {
    const md5 = crypto.createHash('md5').update(job.bytes).digest('hex');
    return { ok: true, kind: 'metadata', metadata: parseStateFile(job.bytes).metadata, md5 };
  }
  for (const [side, bytes] of [['from', job.before], ['to', job.after]] as const) {
    const depth = jsonDepth(bytes, MAX_DIFF_DEPTH);
    if (depth > MAX_DIFF_DEPTH) return { ok: false, reason: 'depth', side, depth };
  }
  // Parse one side, then the other; the bytes are not needed once parsed.
  const before = parseStateFile(job.before);
  const after = parseStateFile(job.after);
  return { ok: true, kind: 'diff', diff: diffStates(before, after) };
}

/**
 * What the runner passes as `workerData`, so that only a thread started for it answers jobs. An
 * object: Turbopack's worker loader adds its own fields to it (a string would be replaced).
 */
export const STATE_WORKER_MARK = { lockboardStateWorker: true } as const;

if (parentPort && (workerData as Partial<typeof STATE_WORKER_MARK> | null)?.lockboardStateWorker === true) {
  const port = parentPort;
  port.once('message', (job: StateJob) => {
    port.postMessage(runStateJob(job));
  });
}
