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
import type { BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import type { InventoryResponse, InventoryState, SearchHit, SearchResponse, SearchResultHit } from '../api/inventory';
import { textGlob } from '../api/key-globs';
import { buildCorpus, parseQuery, searchCorpus, type IndexedState, type SearchCorpus } from '../terraform/inventory-search';
import { shortProvider, type StateSummary } from '../terraform/state-summary';
import { getSnapshot, type BackendSnapshot } from './backend-snapshot';
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

/** How long a search waits for a backend's current listing (shared with every view) before saying it could not check. */
const LISTING_WAIT_MS = 2_000;

type Listing = { etags: ReadonlyMap<string, string>; listedMs: number } | { why: string };

const etagsBySnapshot = new WeakMap<BackendSnapshot, Map<string, string>>();

async function currentListing(backend: BackendConfig): Promise<Listing> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), LISTING_WAIT_MS)));
  try {
    const snapshot = await Promise.race([getSnapshot(backend), late]);
    if (snapshot === null) return { why: `the bucket could not be listed within ${LISTING_WAIT_MS / 1000} s` };
    if (snapshot.objects === null) return { why: `the bucket could not be listed: ${snapshot.bucketError?.message ?? 'unknown error'}` };
    let etags = etagsBySnapshot.get(snapshot);
    if (!etags) etagsBySnapshot.set(snapshot, (etags = new Map(snapshot.objects.map((o) => [o.key, o.etag]))));
    return { etags, listedMs: Date.parse(snapshot.fetchedAt) };
  } catch (e) {
    return { why: `the bucket could not be listed: ${e instanceof AppError ? e.message : 'unexpected failure'}` };
  } finally {
    clearTimeout(timer);
  }
}

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

/** A search of the index alone: each hit with the ETag it was indexed at. */
export interface IndexSearch extends Omit<SearchResponse, 'hits'> {
  hits: Array<SearchHit & { indexedEtag: string | null }>;
}

function backendStatus(backends: readonly BackendConfig[]): SearchResponse['backends'] {
  return backends
    .map((b) => ({ backendId: b.id, ...inventoryOf(b.id).progress }))
    .map((p) => ({ backendId: p.backendId, phase: p.phase, done: p.done, total: p.total, error: p.error }))
    .filter((s) => s.phase !== 'ready');
}

/**
 * Searches the index of every backend `canView` accepts (the caller's view role) as it stands (starting passes where due; answering from what is
 * ready, never waiting for a pass). What the benchmark times; the route adds the freshness check
 * (searchStates).
 */
export function searchInventories(q: string, canView: (backendId: string) => boolean = () => true): IndexSearch {
  const started = performance.now();
  const all = listBackends();
  for (const b of all) void ensurePass(b);
  const result = searchCorpus(currentCorpus(all.map((b) => b.id)), parseQuery(q), textGlob, canView);
  const backends = all.filter((b) => canView(b.id));
  // Read in the same tick as the corpus: the ETag each hit was summarised at.
  const hits = result.hits.map((h) => ({ ...h, indexedEtag: inventories.get(h.backendId)?.states.get(h.key) ?? null }));
  return { query: q, ...result, hits, backends: backendStatus(backends), tookMs: Math.round((performance.now() - started) * 10) / 10 };
}

/**
 * The search the page shows: the index's hits, each checked against the backend's current listing
 * (the shared snapshot, fresh within the watch interval) so that a hit from an outdated index entry is
 * never shown as current; where one is outdated a pass is started at once to read it again.
 */
export async function searchStates(q: string, canView: (backendId: string) => boolean = () => true): Promise<SearchResponse> {
  const started = performance.now();
  const found = searchInventories(q, canView);
  const backends = listBackends().filter((b) => canView(b.id));
  const withHits = backends.filter((b) => found.hits.some((h) => h.backendId === b.id));
  const listings = new Map(await Promise.all(withHits.map(async (b) => [b.id, await currentListing(b)] as const)));
  const hits = found.hits.map(({ indexedEtag, ...hit }): SearchResultHit => {
    const listing = listings.get(hit.backendId);
    if (!listing || 'why' in listing) return { ...hit, freshness: 'unchecked', freshnessNote: listing?.why ?? 'the bucket listing is not available' };
    const etag = listing.etags.get(hit.key);
    return { ...hit, freshness: etag === undefined ? 'deleted' : etag === indexedEtag ? 'current' : 'changed' };
  });
  for (const b of withHits) {
    const listing = listings.get(b.id);
    const outdated = hits.some((h) => h.backendId === b.id && h.freshness !== 'current' && h.freshness !== 'unchecked');
    const inv = inventoryOf(b.id);
    // The index was built from an older listing than the one that shows the change: read it again now.
    if (outdated && listing && !('why' in listing) && !inv.running && inv.passStartedMs < listing.listedMs) void ensurePass(b, true);
  }
  return { ...found, hits, backends: backendStatus(backends), tookMs: Math.round((performance.now() - started) * 10) / 10 };
}
