import 'server-only';
/**
 * One inventory pass of a backend: list (the shared snapshot), reuse every summary whose ETag is
 * known, download and summarise only the others (one download per distinct ETag,
 * DOWNLOAD_CONCURRENCY at once, each body dropped once summarised), write new chunks and a manifest.
 * At most one pass per backend at a time, and not more often than PASS_TTL_MS.
 */
import { openObjectVersion, type ObjectSummary } from '../aws/state-bucket';
import { getBackend } from '../server/backends';
import { withCallOrigin } from '../server/call-origin';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { AppError } from '../api/errors';
import type { InventoryProgress } from '../api/inventory';
import { isStateKey } from '../terraform/paths';
import { MAX_PARSE_BYTES } from '../terraform/state-file';
import { summariseState, type StateSummary } from '../terraform/state-summary';
import { getSnapshot } from './backend-snapshot';
import { CHUNK_SUMMARIES, DOWNLOAD_CONCURRENCY, inventoryOf, loadStoredIndex, writeChunks, writeManifest, type Inventory } from './inventory-store';

/** A finished pass is reused this long (or the snapshot cache time) before a reader starts the next: a pass costs the shared listing plus the changed states. */
const PASS_TTL_MS = 5_000;

async function summariseObject(backend: BackendConfig, inv: Inventory, object: ObjectSummary): Promise<{ etag: string; summary: StateSummary } | null> {
  if (object.size > MAX_PARSE_BYTES) {
    const summary = summariseState('');
    return { etag: object.etag, summary: { ...summary, kind: 'too_large', size: object.size, note: `The object is ${Math.round(object.size / 2 ** 20)} MiB: too large to index.` } };
  }
  const opened = await openObjectVersion(backend, object.key);
  if (opened === null) return null; // deleted since the listing
  const bytes = await opened.bytes();
  inv.progress.downloads++;
  // Summarised under the ETag of the bytes actually read (the object may have changed since the listing).
  return { etag: opened.etag, summary: summariseState(bytes) };
}

async function runPass(backend: BackendConfig, inv: Inventory): Promise<void> {
  const p = inv.progress;
  inv.passStartedMs = Date.now();
  Object.assign(p, { phase: 'indexing', done: 0, total: 0, etaSeconds: null, startedAt: new Date().toISOString(), error: null, writeError: null, reused: 0 });
  if (!inv.storedLoaded) {
    await loadStoredIndex(backend, inv);
    inv.storedLoaded = true;
  }
  const snapshot = await getSnapshot(backend);
  if (snapshot.bucketError) throw snapshot.bucketError;
  const objects = (snapshot.objects ?? []).filter((o) => isStateKey(o.key, backend.stateSuffixes));
  inv.stateCount = objects.length;

  const next = new Map<string, string>();
  const todo = new Map<string, ObjectSummary[]>();
  for (const o of objects) {
    if (inv.summaries.has(o.etag)) {
      next.set(o.key, o.etag);
      p.reused++;
    } else todo.set(o.etag, [...(todo.get(o.etag) ?? []), o]);
  }
  // Keep what is known visible while the rest is read.
  inv.states = next;
  inv.version++;
  p.total = todo.size;
  const fresh: string[] = [];
  // Flushes run one after another (each manifest names every chunk written before it).
  let flushing = Promise.resolve();
  const flush = () => {
    flushing = flushing.then(async () => {
      // Read-only mode writes nothing at all, the index included: it stays in memory.
      if (inv.readOnlyIndex || getConfig().readOnly || fresh.length === 0) return;
      const ids = fresh.splice(0, fresh.length);
      try {
        await writeChunks(backend, inv, ids);
        await writeManifest(backend, inv);
      } catch (e) {
        p.writeError = e instanceof AppError ? e.message : 'the index could not be written';
      }
    });
    return flushing;
  };
  const groups = [...todo.values()];
  await mapLimit(groups, DOWNLOAD_CONCURRENCY, async (group) => {
    try {
      const read = await summariseObject(backend, inv, group[0]!);
      if (read) {
        inv.summaries.set(read.etag, read.summary);
        fresh.push(read.etag);
        // The key read gets what was read; others of its group only if they listed that same ETag.
        next.set(group[0]!.key, read.etag);
        for (const o of group) if (o.etag === read.etag) next.set(o.key, read.etag);
        inv.version++;
      }
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      p.error = `Some states could not be read: ${e.message}`;
    }
    p.done++;
    const elapsed = (Date.now() - inv.passStartedMs) / 1000;
    p.etaSeconds = Math.round((elapsed / p.done) * (p.total - p.done));
    if (fresh.length >= CHUNK_SUMMARIES) await flush();
  });
  await flush();
  // Forget summaries no current state uses (memory stays proportional to the bucket).
  const used = new Set(next.values());
  for (const id of inv.summaries.keys()) if (!used.has(id)) inv.summaries.delete(id);
  // Too many stale summaries in the chunks still referenced: repack into fresh chunks.
  const referenced = new Set([...used].map((id) => inv.chunkOf.get(id)).filter((c): c is string => c !== undefined));
  const stored = [...referenced].reduce((n, c) => n + (inv.chunkSizes.get(c) ?? 0), 0);
  if (!inv.readOnlyIndex && !getConfig().readOnly && stored > 2 * used.size + CHUNK_SUMMARIES) {
    fresh.push(...used);
    await flush();
  }
  inv.states = next;
  inv.version++;
  Object.assign(p, { phase: p.error ? 'error' : 'ready', etaSeconds: null, finishedAt: new Date().toISOString() });
}

/** Starts a pass unless one is running or the last one is recent; returns the running pass. */
export function ensurePass(backend: BackendConfig, force = false): Promise<void> {
  const inv = inventoryOf(backend.id);
  if (inv.running) return inv.running;
  if (!force && inv.lastPassAt && Date.now() - inv.lastPassAt < Math.max(PASS_TTL_MS, getConfig().cacheSeconds * 1000)) return Promise.resolve();
  inv.running = withCallOrigin('inventory', () => runPass(backend, inv))
    .catch((e: unknown) => {
      inv.progress.phase = 'error';
      const error = toAppError(e, 'inventory pass failed', { backend: backend.id });
      inv.progress.error = error.code === 'internal' ? 'Unexpected failure while indexing.' : error.message;
    })
    .finally(() => {
      inv.running = null;
      inv.lastPassAt = Date.now();
    });
  return inv.running;
}

/** Runs one full pass now and waits for it (tests, benchmark). */
export async function refreshInventory(backendId: string): Promise<InventoryProgress> {
  const backend = getBackend(backendId);
  const inv = inventoryOf(backendId);
  if (inv.running) await inv.running;
  await ensurePass(backend, true);
  return { ...inv.progress };
}
