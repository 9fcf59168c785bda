import 'server-only';
/**
 * The stored inventory index of each backend (in memory, and in the backend's bucket under
 * `lockboard-index/`): loaded once per replica, written as content-addressed chunks plus one
 * manifest replaced conditionally. The format is lib/terraform/inventory-index.ts. The manifest is
 * signed (lib/server/signing.ts) and names each chunk by the hash of its bytes, so a manifest that
 * Lockboard did not write (anyone who can write the bucket could plant one, with chunks to match,
 * and make search and the inventory say what a state holds) is not used: the states are read again.
 */
import crypto from 'node:crypto';
import { openObjectVersion, putObjectConditionally } from '../aws/state-bucket';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { foreignReason, signJson, verifyJson } from '../server/signing';
import { LOCKBOARD_VERSION } from '../server/version';
import { AppError } from '../api/errors';
import type { InventoryProgress, StoredIndexStatus } from '../api/inventory';
import { chunkKey, INDEX_FORMAT, manifestKey, parseChunk, parseManifest, serialiseChunk, serialiseManifest, type ManifestEntry } from '../terraform/inventory-index';
import type { StateSummary } from '../terraform/state-summary';

/** State downloads (and so whole states in memory) at once per backend. */
export const DOWNLOAD_CONCURRENCY = 4;
/** New summaries per chunk object. */
export const CHUNK_SUMMARIES = 1_000;
/** An index object larger than this is not read (treated as corrupt, rebuilt). */
const MAX_INDEX_OBJECT_BYTES = 256 * 1024 * 1024;
export interface Inventory {
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

export const inventories = new Map<string, Inventory>();

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

export function inventoryOf(backendId: string): Inventory {
  let inv = inventories.get(backendId);
  if (!inv) {
    inv = newInventory(backendId);
    inventories.set(backendId, inv);
  }
  return inv;
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
export async function loadStoredIndex(backend: BackendConfig, inv: Inventory): Promise<void> {
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
  const { verification, body } = verifyJson('index-manifest', manifestKey(backend.id), manifest.text);
  if (verification !== 'signed') return setStored(inv, 'corrupt', `The stored index manifest was not written by Lockboard (${foreignReason(verification)}): not used, rebuilt.`);
  const parsed = parseManifest(body, backend.id);
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

export async function writeChunks(backend: BackendConfig, inv: Inventory, ids: string[]): Promise<void> {
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

export async function writeManifest(backend: BackendConfig, inv: Inventory): Promise<void> {
  const states: ManifestEntry[] = [];
  for (const [key, id] of inv.states) {
    const chunk = inv.chunkOf.get(id);
    if (chunk) states.push({ key, etag: id, chunk });
  }
  const text = signJson('index-manifest', manifestKey(backend.id), serialiseManifest({ format: INDEX_FORMAT, backend: backend.id, writtenBy: LOCKBOARD_VERSION, updatedAt: new Date().toISOString(), states }));
  const out = await putObjectConditionally(backend, manifestKey(backend.id), text, {
    condition: inv.manifestEtag ? { ifMatch: inv.manifestEtag } : { ifNoneMatch: true },
    contentType: 'application/json',
    encryption: { serverSideEncryption: null, kmsKeyId: null },
  });
  // Lost a race with another replica: its manifest is complete too; the next pass reads it.
  if (out.result === 'written') inv.manifestEtag = out.etag;
  else inv.storedLoaded = false;
}
