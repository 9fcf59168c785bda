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
import { getBackend } from '../server/backends';
import { getConfig } from '../server/config';
import type { InventoryResponse, InventoryState, SearchResponse } from '../api/inventory';
import { textGlob } from '../api/key-globs';
import { buildCorpus, parseQuery, searchCorpus, type IndexedState, type SearchCorpus } from '../terraform/inventory-search';
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

/**
 * Searches the inventories of the backends `canView` accepts (the caller's view role), starting passes
 * where due and answering from what is ready.
 */
export function searchInventories(q: string, canView: (backendId: string) => boolean = () => true): SearchResponse {
  const started = performance.now();
  const all = getConfig().backends;
  for (const b of all) void ensurePass(b);
  const result = searchCorpus(currentCorpus(all.map((b) => b.id)), parseQuery(q), textGlob, canView);
  const backends = all.filter((b) => canView(b.id));
  const status = backends
    .map((b) => inventoryOf(b.id).progress)
    .map((p, i) => ({ backendId: backends[i]!.id, phase: p.phase, done: p.done, total: p.total, error: p.error }))
    .filter((s) => s.phase !== 'ready');
  return { query: q, ...result, backends: status, tookMs: Math.round((performance.now() - started) * 10) / 10 };
}
