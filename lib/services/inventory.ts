import 'server-only';
/**
 * The state inventory of each backend: one summary per state content (ETag), read once and kept in
 * a content-addressed index in the backend's own bucket (`lockboard-index/`, see
 * lib/terraform/inventory-index.ts) that every replica and restart reuses. A pass lists the bucket
 * (the shared snapshot), reuses every summary whose ETag is known, downloads only the others (one
 * download per distinct ETag, DOWNLOAD_CONCURRENCY at once, each body dropped once summarised), and
 * writes new chunks plus a new manifest. Passes run in the background, one at a time per backend;
 * readers get what is ready plus the progress.
 */
import crypto from 'node:crypto';
import { openObjectVersion, putObjectConditionally, type ObjectSummary } from '../aws/state-bucket';
import { getBackend } from '../server/backends';
import { withCallOrigin } from '../server/call-origin';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { LOCKBOARD_VERSION } from '../server/version';
import { AppError } from '../api/errors';
import type { InventoryProgress, InventoryResponse, InventoryState, SearchResponse, StoredIndexStatus } from '../api/inventory';
import {
  chunkKey,
  INDEX_FORMAT,
  manifestKey,
  parseChunk,
  parseManifest,
  buildCorpus,
  parseQuery,
  searchCorpus,
  serialiseChunk,
  serialiseManifest,
  type IndexedState,
  type ManifestEntry,
  type SearchCorpus,
} from '../terraform/inventory-index';
import { isStateKey } from '../terraform/paths';
import { MAX_PARSE_BYTES } from '../terraform/state-file';
import { shortProvider, summariseState, type StateSummary } from '../terraform/state-summary';
import { getSnapshot } from './backend-snapshot';
import { toAppError } from '../server/errors';

/** State downloads (and so whole states in memory) at once per backend. */
export const DOWNLOAD_CONCURRENCY = 4;
/** New summaries per chunk object. */
const CHUNK_SUMMARIES = 1_000;
/** An index object larger than this is not read (treated as corrupt, rebuilt). */
const MAX_INDEX_OBJECT_BYTES = 256 * 1024 * 1024;
/** A finished pass is reused this long (or the snapshot cache time) before a reader starts the next: a pass costs the shared listing plus the changed states. */
const PASS_TTL_MS = 5_000;

interface Inventory {
  backendId: string;
  /** Content id (ETag) → summary. */
  summaries: Map<string, StateSummary>;
  /** Content id → the chunk (sha256) that stores it. */
  chunkOf: Map<string, string>;
  /** Chunk sha256 → number of summaries in it. */
  chunkSizes: Map<string, number>;
  /** Current states: key → content id. */
  states: Map<string, string>;
  stateCount: number;
  manifestEtag: string | null;
  storedLoaded: boolean;
  /** A newer Lockboard owns the stored manifest: never overwrite it. */
  readOnlyIndex: boolean;
  progress: InventoryProgress;
  running: Promise<void> | null;
  /** Bumped whenever `states` or `summaries` change (the search corpus is rebuilt then). */
  version: number;
  lastPassAt: number;
  passStartedMs: number;
}

const inventories = new Map<string, Inventory>();

function newInventory(backendId: string): Inventory {
  return {
    backendId,
    summaries: new Map(),
    chunkOf: new Map(),
    chunkSizes: new Map(),
    states: new Map(),
    stateCount: 0,
    manifestEtag: null,
    storedLoaded: false,
    readOnlyIndex: false,
    progress: { phase: 'idle', done: 0, total: 0, etaSeconds: null, startedAt: null, finishedAt: null, downloads: 0, reused: 0, storedIndex: 'not_loaded', storedIndexNote: null, writeError: null, error: null },
    running: null,
    version: 0,
    lastPassAt: 0,
    passStartedMs: 0,
  };
}

function inventoryOf(backendId: string): Inventory {
  let inv = inventories.get(backendId);
  if (!inv) {
    inv = newInventory(backendId);
    inventories.set(backendId, inv);
  }
  return inv;
}

/** Tests and benchmark: forget every in-memory inventory (as after a restart). */
export function resetInventoriesForTests(): void {
  inventories.clear();
  corpus = null;
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

type ReadText = { status: 'ok'; text: string; etag: string } | { status: 'missing' } | { status: 'too_large' };

async function readIndexObject(backend: BackendConfig, key: string): Promise<ReadText> {
  const opened = await openObjectVersion(backend, key);
  if (opened === null) return { status: 'missing' };
  if (opened.contentLength !== null && opened.contentLength > MAX_INDEX_OBJECT_BYTES) {
    await opened.stream().cancel();
    return { status: 'too_large' };
  }
  const bytes = await opened.bytes();
  return { status: 'ok', text: new TextDecoder().decode(bytes), etag: opened.etag };
}

function setStored(inv: Inventory, status: StoredIndexStatus, note: string | null): void {
  inv.progress.storedIndex = status;
  inv.progress.storedIndexNote = note;
}

/** Loads the stored manifest and the chunks it names; whatever is unusable is simply read again. */
async function loadStoredIndex(backend: BackendConfig, inv: Inventory): Promise<void> {
  let manifest: ReadText;
  try {
    manifest = await readIndexObject(backend, manifestKey(backend.id));
  } catch (e) {
    setStored(inv, 'unreadable', e instanceof AppError ? e.message : 'the index manifest could not be read');
    return;
  }
  if (manifest.status === 'missing') return setStored(inv, 'missing', 'No stored index yet: every state is read once.');
  if (manifest.status === 'too_large') return setStored(inv, 'corrupt', 'The stored index manifest is too large to be one of ours: rebuilt.');
  inv.manifestEtag = manifest.etag;
  const parsed = parseManifest(manifest.text, backend.id);
  if (parsed.status === 'newer_format') {
    inv.readOnlyIndex = true;
    return setStored(inv, 'newer_format', `The stored index was written by a newer Lockboard (format ${parsed.format}; this one reads ${INDEX_FORMAT}): not used nor overwritten; this replica indexes in memory.`);
  }
  if (parsed.status === 'corrupt') return setStored(inv, 'corrupt', `The stored index manifest is unusable (${parsed.reason}): rebuilt.`);
  const byChunk = new Map<string, ManifestEntry[]>();
  for (const e of parsed.value.states) byChunk.set(e.chunk, [...(byChunk.get(e.chunk) ?? []), e]);
  let bad = 0;
  await mapLimit([...byChunk.keys()], DOWNLOAD_CONCURRENCY, async (sha) => {
    try {
      const read = await readIndexObject(backend, chunkKey(backend.id, sha));
      // The name is the hash of the bytes: anything else is corrupt (or not ours).
      if (read.status !== 'ok' || sha256(read.text) !== sha) return void bad++;
      const chunk = parseChunk(read.text);
      if (chunk.status !== 'ok') return void bad++;
      inv.chunkSizes.set(sha, chunk.value.size);
      for (const [id, summary] of chunk.value) {
        inv.summaries.set(id, summary);
        inv.chunkOf.set(id, sha);
      }
    } catch {
      bad++;
    }
  });
  setStored(inv, 'loaded', bad ? `${bad} index chunk(s) were missing or corrupt: the states they covered are read again.` : null);
}

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

async function writeChunks(backend: BackendConfig, inv: Inventory, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK_SUMMARIES) {
    const part = new Map(ids.slice(i, i + CHUNK_SUMMARIES).map((id) => [id, inv.summaries.get(id)!]));
    const text = serialiseChunk(part);
    const sha = sha256(text);
    // Same name, same bytes: "already there" (412) is success.
    await putObjectConditionally(backend, chunkKey(backend.id, sha), text, { condition: { ifNoneMatch: true }, contentType: 'application/json', encryption: { serverSideEncryption: null, kmsKeyId: null } });
    inv.chunkSizes.set(sha, part.size);
    for (const id of part.keys()) inv.chunkOf.set(id, sha);
  }
}

async function writeManifest(backend: BackendConfig, inv: Inventory): Promise<void> {
  const states: ManifestEntry[] = [];
  for (const [key, id] of inv.states) {
    const chunk = inv.chunkOf.get(id);
    if (chunk) states.push({ key, etag: id, chunk });
  }
  const text = serialiseManifest({ format: INDEX_FORMAT, backend: backend.id, writtenBy: LOCKBOARD_VERSION, updatedAt: new Date().toISOString(), states });
  const out = await putObjectConditionally(backend, manifestKey(backend.id), text, {
    condition: inv.manifestEtag ? { ifMatch: inv.manifestEtag } : { ifNoneMatch: true },
    contentType: 'application/json',
    encryption: { serverSideEncryption: null, kmsKeyId: null },
  });
  // Lost a race with another replica: its manifest is complete too; the next pass reads it.
  if (out.result === 'written') inv.manifestEtag = out.etag;
  else inv.storedLoaded = false;
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
function ensurePass(backend: BackendConfig, force = false): Promise<void> {
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

function stateOf(key: string, etag: string, s: StateSummary): InventoryState {
  return {
    key,
    etag,
    kind: s.kind,
    serial: s.serial,
    terraformVersion: s.terraformVersion,
    resourceCount: s.resourceCount,
    providers: s.providers.map(shortProvider),
    outputs: s.outputs.length,
    incomplete: s.incomplete,
    note: s.note,
  };
}

/** The inventory as it stands (a pass is started in the background when due; never waits for it). */
export function getInventory(backendId: string): InventoryResponse {
  const backend = getBackend(backendId);
  void ensurePass(backend);
  const inv = inventoryOf(backendId);
  const states: InventoryState[] = [];
  for (const [key, id] of inv.states) {
    const s = inv.summaries.get(id);
    if (s) states.push(stateOf(key, id, s));
  }
  states.sort((a, b) => a.key.localeCompare(b.key));
  return { backendId, progress: { ...inv.progress }, states, stateCount: inv.stateCount };
}

let corpus: { stamp: string; corpus: SearchCorpus } | null = null;

/** The search layout of every backend's index, rebuilt only when an inventory changed. */
function currentCorpus(backendIds: string[]): SearchCorpus {
  const stamp = backendIds.map((id) => `${id}:${inventories.get(id)?.version ?? -1}`).join('|');
  if (corpus?.stamp !== stamp) corpus = { stamp, corpus: buildCorpus(indexedStates(backendIds)) };
  return corpus.corpus;
}

function* indexedStates(backendIds: string[]): Generator<IndexedState> {
  for (const backendId of backendIds) {
    const inv = inventories.get(backendId);
    if (!inv) continue;
    // Key order (the states were summarised in whatever order downloads finished).
    for (const [key, etag] of [...inv.states].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const summary = inv.summaries.get(etag);
      if (summary) yield { backendId, key, etag, summary };
    }
  }
}

/**
 * Searches the inventories of the backends `canView` accepts (the caller's view role), starting passes
 * where due and answering from what is ready.
 */
export function searchInventories(q: string, canView: (backendId: string) => boolean = () => true): SearchResponse {
  const started = performance.now();
  const all = getConfig().backends;
  for (const b of all) void ensurePass(b);
  const result = searchCorpus(currentCorpus(all.map((b) => b.id)), parseQuery(q), canView);
  const backends = all.filter((b) => canView(b.id));
  const status = backends
    .map((b) => inventoryOf(b.id).progress)
    .map((p, i) => ({ backendId: backends[i]!.id, phase: p.phase, done: p.done, total: p.total, error: p.error }))
    .filter((s) => s.phase !== 'ready');
  return { query: q, ...result, backends: status, tookMs: Math.round((performance.now() - started) * 10) / 10 };
}
