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
import { getBackend, listBackends } from '../server/backends';
import type { InventoryResponse, InventoryState, SearchResponse } from '../api/inventory';
import { buildCorpus, parseQuery, searchCorpus, type IndexedState, type SearchCorpus } from '../terraform/inventory-index';
import { shortProvider, type StateSummary } from '../terraform/state-summary';
import { ensurePass } from './inventory-pass';
import { inventories, inventoryOf } from './inventory-store';

export { refreshInventory } from './inventory-pass';

/** Tests and benchmark: forget every in-memory inventory (as after a restart). */
export function resetInventoriesForTests(): void {
  inventories.clear();
  corpus = null;
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

/** Searches every backend's inventory (starting passes where due; answering from what is ready). */
export function searchInventories(q: string): SearchResponse {
  const started = performance.now();
  const backends = listBackends();
  for (const b of backends) void ensurePass(b);
  const result = searchCorpus(currentCorpus(backends.map((b) => b.id)), parseQuery(q));
  const status = backends
    .map((b) => inventoryOf(b.id).progress)
    .map((p, i) => ({ backendId: backends[i]!.id, phase: p.phase, done: p.done, total: p.total, error: p.error }))
    .filter((s) => s.phase !== 'ready');
  return { query: q, ...result, backends: status, tookMs: Math.round((performance.now() - started) * 10) / 10 };
}
