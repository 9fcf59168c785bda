import 'server-only';
/**
 * Event mode (issue 24), started by instrumentation.ts: for each backend with an `events` block, its
 * S3 event consumer, its stream consumer and its reconcile loop. A full read fills the store once the
 * sources answer, again every `reconcileMinutes`, and after a source recovered; until then (and while
 * a source fails) the backend is polled as before. Stopped on SIGTERM/SIGINT: a replica's own queues
 * are deleted.
 */
import { getConfig, type BackendConfig } from '../../server/config';
import { toAppError } from '../../server/errors';
import { logger } from '../../server/logger';
import { lastReconcileAt, needsReconcile, reconcileBackend, sourcesHealthy } from '../../services/backend-events';
import { Loop } from './loop';
import { consumeS3Events } from './s3-consumer';
import { consumeStream } from './stream-consumer';

const TICK_MS = 500;

interface Running {
  loop: Loop;
  done: Promise<unknown>;
}

const key = Symbol.for('lockboard.eventJobs');

function running(): Map<string, Running> {
  const holder = globalThis as unknown as Record<symbol, Map<string, Running> | undefined>;
  holder[key] ??= new Map();
  return holder[key];
}

async function reconcileLoop(backend: BackendConfig, loop: Loop): Promise<void> {
  const events = backend.events!;
  const retryMs = events.retrySeconds * 1000;
  let nextTryAt = 0;
  while (!loop.stopped) {
    await loop.sleep(TICK_MS);
    if (loop.stopped || !sourcesHealthy(backend) || Date.now() < nextTryAt) continue;
    const last = lastReconcileAt(backend);
    const due = needsReconcile(backend) || last === null || Date.now() - last >= events.reconcileMinutes * 60_000;
    if (!due) continue;
    try {
      const ok = await reconcileBackend(backend);
      if (!ok) nextTryAt = Date.now() + retryMs;
    } catch (e) {
      logger.warn('reconcile failed', { backend: backend.id, error: toAppError(e, 'reconcile failed') });
      nextTryAt = Date.now() + retryMs;
    }
  }
}

/** Starts event mode for every backend that has it (idempotent). */
export function startEvents(): void {
  const jobs = running();
  for (const backend of getConfig().backends) {
    if (!backend.events || jobs.has(backend.id)) continue;
    const loop = new Loop();
    const done = Promise.allSettled([consumeS3Events(backend, loop), consumeStream(backend, loop), reconcileLoop(backend, loop)]);
    jobs.set(backend.id, { loop, done });
    logger.info('event mode starting', { backend: backend.id, s3: backend.events.s3?.kind ?? null, stream: backend.events.dynamodbStreamArn !== null, reconcileMinutes: backend.events.reconcileMinutes, replica: getConfig().replicaId });
  }
  if (jobs.size > 0 && !stopHooked) {
    stopHooked = true;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, onStopSignal);
  }
}

let stopHooked = false;
const STOP_GRACE_MS = 5_000;

/**
 * Next.js ends the process (process.exit) as soon as its server is closed, which can be before the
 * replica's queue is deleted: the exit waits for the stop, at most STOP_GRACE_MS.
 */
function onStopSignal(): void {
  const stopped = Promise.race([stopEvents(), new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
  const exit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    void stopped.finally(() => exit(code));
  }) as typeof process.exit;
}

/** Stops every loop and waits for them (a topic's replica queue is deleted on the way out). */
export async function stopEvents(): Promise<void> {
  const jobs = running();
  const all = [...jobs.values()];
  jobs.clear();
  for (const r of all) r.loop.stop();
  await Promise.all(all.map((r) => r.done));
}
