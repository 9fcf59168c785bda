/**
 * The event-maintained copy of one backend (issue 24): its objects by key and its table items by
 * LockID, updated key by key and never backwards.
 *
 * Events are at-least-once, late and unordered, so an event is only a hint that a key changed: the
 * store re-reads that key (HeadObject, GetItem) and keeps what the re-read says. An event older than
 * one already handled for the same key (S3 `sequencer`, the stream's `SequenceNumber`) is skipped: the
 * re-read made for the newer one already reflects it. Re-reads of one key run one at a time; an event
 * arriving during one asks for another after it, so the last re-read always started after the last
 * event. A full read (reconcile) replaces what events did not touch while it ran and reports the
 * differences (events lost).
 *
 * Pure bookkeeping: the re-reads are injected, so it is unit-tested with fakes.
 */
import type { ObjectSummary } from '../aws/state-bucket';
import type { TableItem } from '../terraform/table-items';

export interface StoreReaders {
  /** The object now (HeadObject), null when there is none. */
  object: (key: string) => Promise<ObjectSummary | null>;
  /** The item now (GetItem, consistent), null when there is none. */
  item: (lockId: string) => Promise<TableItem | null>;
}

/** What became of an event: re-read, or skipped as older than (or the same as) one already handled. */
export type ChangeOutcome = 'applied' | 'duplicate';

/** Differences a full read found with what events had built. */
export interface ReconcileDiff {
  objects: string[];
  items: string[];
}

/**
 * S3 sequencers are hexadecimal strings of varying length, comparable for one key only: right-pad the
 * shorter with zeros, then compare (S3's event message structure documentation).
 */
export function compareSequencers(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  const pa = a.toUpperCase().padEnd(n, '0');
  const pb = b.toUpperCase().padEnd(n, '0');
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

function sameObject(a: ObjectSummary | undefined, b: ObjectSummary | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.etag === b.etag && a.size === b.size);
}

function sameItem(a: TableItem | undefined, b: TableItem | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.info === b.info && a.digest === b.digest && a.infoJson === b.infoJson);
}

type Side = 'o' | 'i';

export class SnapshotStore {
  private readonly objects = new Map<string, ObjectSummary>();
  private readonly items = new Map<string, TableItem>();
  /** Newest S3 sequencer / stream sequence number handled per key, kept after a delete (a late create is recognised). */
  private readonly objectSeq = new Map<string, string>();
  private readonly itemSeq = new Map<string, bigint>();
  /** Keys being re-read; `again`: an event arrived meanwhile, read once more after. */
  private readonly rereads = new Map<string, { again: boolean; done: Promise<void> }>();
  /** Counts applied re-reads; `touched` says when each key was last applied (to protect it from an older full read). */
  private tick = 0;
  private readonly touched = new Map<string, number>();
  private cached: { version: number; objects: ObjectSummary[]; items: TableItem[] } | null = null;
  /** Bumped on every change of content. */
  version = 0;
  /** True once a full read filled the store. */
  ready = false;
  /** A re-read failed: the store may be wrong about a key until the next full read. */
  onRereadError: ((error: unknown, key: string) => void) | null = null;

  constructor(private readonly readers: StoreReaders) {}

  /** An S3 event named `key` (a put or a delete): re-read it unless the event is older than one handled. */
  objectChanged(key: string, sequencer: string | null): Promise<ChangeOutcome> {
    const seen = this.objectSeq.get(key);
    if (sequencer !== null && seen !== undefined && compareSequencers(sequencer, seen) <= 0) return Promise.resolve('duplicate');
    if (sequencer !== null) this.objectSeq.set(key, sequencer);
    return this.reread('o', key).then(() => 'applied');
  }

  /** A stream record named `lockId`: re-read it unless older than one handled. */
  itemChanged(lockId: string, sequenceNumber: string | null): Promise<ChangeOutcome> {
    const seq = sequenceNumber === null ? null : BigInt(sequenceNumber);
    const seen = this.itemSeq.get(lockId);
    if (seq !== null && seen !== undefined && seq <= seen) return Promise.resolve('duplicate');
    if (seq !== null) this.itemSeq.set(lockId, seq);
    return this.reread('i', lockId).then(() => 'applied');
  }

  /** Resolves when every re-read under way has been applied (tests, reconcile). */
  async settled(): Promise<void> {
    while (this.rereads.size > 0) await Promise.all([...this.rereads.values()].map((r) => r.done));
  }

  private reread(side: Side, key: string): Promise<void> {
    const id = `${side}:${key}`;
    const running = this.rereads.get(id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          try {
            if (side === 'o') this.putObject(key, await this.readers.object(key));
            else this.putItem(key, await this.readers.item(key));
          } catch (e) {
            this.onRereadError?.(e, key);
          }
        } while (entry.again);
      } finally {
        this.rereads.delete(id);
      }
    })();
    this.rereads.set(id, entry);
    return entry.done;
  }

  private putObject(key: string, now: ObjectSummary | null): void {
    this.touched.set(`o:${key}`, ++this.tick);
    const before = this.objects.get(key);
    if (now === null) this.objects.delete(key);
    else this.objects.set(key, now);
    if (!sameObject(before, now ?? undefined)) this.version++;
  }

  private putItem(lockId: string, now: TableItem | null): void {
    this.touched.set(`i:${lockId}`, ++this.tick);
    const before = this.items.get(lockId);
    if (now === null) this.items.delete(lockId);
    else this.items.set(lockId, now);
    if (!sameItem(before, now ?? undefined)) this.version++;
  }

  /** Full reads under way (their marks): what they may overwrite is decided against these. */
  private readonly marks: number[] = [];

  /** Marks the start of a full read: pass the mark to `reconcile` (or `abandon`) when it ends. */
  mark(): number {
    this.marks.push(this.tick);
    return this.tick;
  }

  /** A full read that started at `mark` failed: nothing to merge. */
  abandon(mark: number): void {
    const i = this.marks.indexOf(mark);
    if (i >= 0) this.marks.splice(i, 1);
  }

  /**
   * A full read that started at `mark` completed: keys no event touched since (and none being re-read)
   * take the read's value. A half that failed (null) is left as it is. Returns what differed.
   */
  reconcile(mark: number, objects: ObjectSummary[] | null, items: TableItem[] | null): ReconcileDiff {
    const diff: ReconcileDiff = { objects: [], items: [] };
    const protectedKey = (id: string) => (this.touched.get(id) ?? -1) > mark || this.rereads.has(id);
    if (objects !== null) this.merge('o', this.objects, new Map(objects.map((o) => [o.key, o])), sameObject, protectedKey, diff.objects);
    if (items !== null) this.merge('i', this.items, new Map(items.map((i) => [i.lockId, i])), sameItem, protectedKey, diff.items);
    if (diff.objects.length + diff.items.length > 0) this.version++;
    // Sequence numbers of keys gone on both sides and untouched are forgotten (bounded memory); a
    // later event for such a key is simply re-read.
    for (const key of this.objectSeq.keys()) if (!this.objects.has(key) && !protectedKey(`o:${key}`)) this.objectSeq.delete(key);
    for (const key of this.itemSeq.keys()) if (!this.items.has(key) && !protectedKey(`i:${key}`)) this.itemSeq.delete(key);
    this.abandon(mark);
    // A touch stays on record while an older full read could still overwrite it.
    const oldest = Math.min(mark, ...this.marks);
    for (const [id, at] of this.touched) if (at <= oldest) this.touched.delete(id);
    if (objects !== null && items !== null) this.ready = true;
    return diff;
  }

  private merge<V>(side: Side, mine: Map<string, V>, read: Map<string, V>, same: (a: V | undefined, b: V | undefined) => boolean, protectedKey: (id: string) => boolean, out: string[]): void {
    for (const key of new Set([...mine.keys(), ...read.keys()])) {
      if (protectedKey(`${side}:${key}`)) continue;
      const theirs = read.get(key);
      if (same(mine.get(key), theirs)) continue;
      out.push(key);
      if (theirs === undefined) mine.delete(key);
      else mine.set(key, theirs);
    }
  }

  /** The store as a backend read: objects in key order (as a listing), items. Arrays shared until the next change. */
  contents(): { objects: ObjectSummary[]; items: TableItem[] } {
    if (this.cached?.version !== this.version) {
      const objects = [...this.objects.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.cached = { version: this.version, objects, items: [...this.items.values()] };
    }
    return { objects: this.cached.objects, items: this.cached.items };
  }
}
