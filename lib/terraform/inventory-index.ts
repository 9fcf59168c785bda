/**
 * The inventory index's stored format (its search: inventory-search.ts). Pure: no I/O, never throws
 * on bad input.
 *
 * Stored in the backend's own bucket under `lockboard-index/<backend>/v<format>/`:
 * - chunks `chunks/<sha256 of the bytes>.json`: summaries keyed by content id (the state object's
 *   ETag). The name is the hash of the bytes, so two writers of one name write the same bytes and a
 *   reader can prove a chunk is intact;
 * - one `manifest.json`: for each state key, the ETag it was summarised at and the chunk holding that
 *   summary. Only the manifest is ever replaced, always by a complete, self-consistent one, so a lost
 *   race costs a re-read, never a wrong answer. The store signs it (lib/services/inventory-store.ts):
 *   it names the chunks by hash, so a signed manifest vouches for every chunk it names.
 * An object of a newer format, an unparsable one, or one whose hash does not match is not used: the
 * states it covered are read again.
 */
import { isRecord } from './state-file';
import type { StateSummary } from './state-summary';

export const INDEX_FORMAT = 1;
export const INDEX_ROOT = 'lockboard-index/';

export function indexPrefix(backendId: string): string {
  return `${INDEX_ROOT}${encodeURIComponent(backendId)}/v${INDEX_FORMAT}/`;
}
export function manifestKey(backendId: string): string {
  return `${indexPrefix(backendId)}manifest.json`;
}
export function chunkKey(backendId: string, sha256: string): string {
  return `${indexPrefix(backendId)}chunks/${sha256}.json`;
}

export interface ManifestEntry {
  key: string;
  etag: string;
  chunk: string;
}
export interface IndexManifest {
  format: number;
  backend: string;
  writtenBy: string;
  updatedAt: string;
  states: ManifestEntry[];
}

export type Parsed<T> = { status: 'ok'; value: T } | { status: 'newer_format'; format: number } | { status: 'corrupt'; reason: string };

/** Deterministic bytes: the same summaries always give the same chunk (and so the same name). */
export function serialiseChunk(summaries: Map<string, StateSummary>): string {
  const ids = [...summaries.keys()].sort();
  const body: Record<string, StateSummary> = {};
  for (const id of ids) body[id] = summaries.get(id)!;
  return JSON.stringify({ format: INDEX_FORMAT, kind: 'lockboard-index-chunk', summaries: body });
}

function formatOf(doc: unknown, kind: string): Parsed<Record<string, unknown>> {
  if (!isRecord(doc) || doc.kind !== kind) return { status: 'corrupt', reason: `not a ${kind} object` };
  if (typeof doc.format !== 'number' || !Number.isInteger(doc.format)) return { status: 'corrupt', reason: 'no integer format' };
  if (doc.format > INDEX_FORMAT) return { status: 'newer_format', format: doc.format };
  if (doc.format !== INDEX_FORMAT) return { status: 'corrupt', reason: `unknown format ${doc.format}` };
  return { status: 'ok', value: doc };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const KINDS = new Set(['empty', 'not_json', 'other_json', 'plaintext', 'encrypted', 'too_large', 'truncated']);

function isSummary(v: unknown): v is StateSummary {
  return (
    isRecord(v) &&
    typeof v.kind === 'string' &&
    KINDS.has(v.kind) &&
    typeof v.size === 'number' &&
    Array.isArray(v.resources) &&
    Array.isArray(v.outputs) &&
    Array.isArray(v.providers) &&
    v.resources.every((r) => isRecord(r) && typeof r.address === 'string' && typeof r.type === 'string' && typeof r.module === 'string' && typeof r.provider === 'string' && Array.isArray(r.keys))
  );
}

export function parseChunk(text: string): Parsed<Map<string, StateSummary>> {
  const head = formatOf(parseJson(text), 'lockboard-index-chunk');
  if (head.status !== 'ok') return head;
  if (!isRecord(head.value.summaries)) return { status: 'corrupt', reason: 'no summaries' };
  const out = new Map<string, StateSummary>();
  for (const [id, s] of Object.entries(head.value.summaries)) {
    if (!isSummary(s)) return { status: 'corrupt', reason: `summary ${id} is malformed` };
    out.set(id, s);
  }
  return { status: 'ok', value: out };
}

export function serialiseManifest(m: IndexManifest): string {
  return JSON.stringify({ format: m.format, kind: 'lockboard-index-manifest', backend: m.backend, writtenBy: m.writtenBy, updatedAt: m.updatedAt, states: m.states.map((s) => [s.key, s.etag, s.chunk]) });
}

export function parseManifest(text: string, backendId: string): Parsed<IndexManifest> {
  const head = formatOf(parseJson(text), 'lockboard-index-manifest');
  if (head.status !== 'ok') return head;
  const d = head.value;
  if (d.backend !== backendId) return { status: 'corrupt', reason: 'manifest of another backend' };
  if (!Array.isArray(d.states)) return { status: 'corrupt', reason: 'no states' };
  const states: ManifestEntry[] = [];
  for (const s of d.states) {
    if (!Array.isArray(s) || s.length !== 3 || !s.every((x) => typeof x === 'string') || !/^[0-9a-f]{64}$/.test(s[2] as string)) return { status: 'corrupt', reason: 'malformed entry' };
    states.push({ key: s[0] as string, etag: s[1] as string, chunk: s[2] as string });
  }
  return { status: 'ok', value: { format: INDEX_FORMAT, backend: backendId, writtenBy: String(d.writtenBy ?? ''), updatedAt: String(d.updatedAt ?? ''), states } };
}
