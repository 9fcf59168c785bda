/**
 * Contract of the inventory and search routes (`GET /api/backends/{id}/inventory`,
 * `GET /api/search?q=…`), shared by server and browser.
 */
import { z } from 'zod';
import type { SearchHit } from '../terraform/inventory-search';
import type { SummaryKind } from '../terraform/state-summary';

export type { SearchHit } from '../terraform/inventory-search';

/** Where the stored index stood when this process loaded it. */
export type StoredIndexStatus = 'not_loaded' | 'loaded' | 'missing' | 'newer_format' | 'corrupt' | 'unreadable';

export interface InventoryProgress {
  /** `indexing`: a pass is running; `ready`: the last pass finished; `error`: it failed (see `error`). */
  phase: 'idle' | 'indexing' | 'ready' | 'error';
  /** States whose content had to be read in this pass, and how many of them are done. */
  done: number;
  total: number;
  /** Seconds left in this pass (null before the first state is done or when idle). */
  etaSeconds: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Downloads of state objects by this process (one per distinct content). */
  downloads: number;
  /** States whose summary came from the index (no download) in the last pass. */
  reused: number;
  storedIndex: StoredIndexStatus;
  storedIndexNote: string | null;
  /** The index could not be written back (e.g. no s3:PutObject on lockboard-index/): kept in memory only. */
  writeError: string | null;
  error: string | null;
}

export interface InventoryState {
  key: string;
  etag: string;
  kind: SummaryKind;
  serial: number | null;
  terraformVersion: string | null;
  resourceCount: number | null;
  /** Short provider sources (`hashicorp/aws`). Versions are not recorded in state files. */
  providers: string[];
  outputs: number;
  incomplete: boolean;
  note: string;
}

export interface InventoryResponse {
  backendId: string;
  progress: InventoryProgress;
  /** States summarised so far (all of them once `phase` is `ready`). */
  states: InventoryState[];
  /** States listed in the bucket. */
  stateCount: number;
}

export interface SearchBackendStatus {
  backendId: string;
  phase: InventoryProgress['phase'];
  done: number;
  total: number;
  error: string | null;
}

/**
 * Whether a hit still describes the state: `current` (the current listing shows the content that was
 * indexed), `changed` (the state was written since it was indexed: re-indexing), `deleted` (no longer
 * listed), `unchecked` (the listing could not be read in time: see `freshnessNote`).
 */
export type HitFreshness = 'current' | 'changed' | 'deleted' | 'unchecked';

export interface SearchResultHit extends SearchHit {
  freshness: HitFreshness;
  /** Why the freshness could not be checked (with `unchecked`). */
  freshnessNote?: string;
}

export interface SearchResponse {
  query: string;
  /** As indexed; `freshness` says whether each still describes the current state. */
  hits: SearchResultHit[];
  total: number;
  unsearchable: Record<string, number>;
  warnings: string[];
  /** Backends still indexing (their results may be incomplete) or failed. */
  backends: SearchBackendStatus[];
  tookMs: number;
}

export const searchQuerySchema = z.object({ q: z.string().trim().min(1, 'a query is required').max(1000) });
