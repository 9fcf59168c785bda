import { describe, expect, it } from 'vitest';
import type { ObjectSummary } from '../aws/state-bucket';
import type { TableItem } from '../terraform/table-items';
import { SnapshotStore, compareSequencers } from './snapshot-store';

/** A fake bucket and table: what a re-read sees now. */
function world() {
  const objects = new Map<string, ObjectSummary>();
  const items = new Map<string, TableItem>();
  let reads = 0;
  const gates: Array<() => void> = [];
  let hold = false;
  const store = new SnapshotStore({
    object: async (key) => {
      reads++;
      if (hold) await new Promise<void>((r) => gates.push(r));
      return objects.get(key) ?? null;
    },
    item: async (id) => {
      reads++;
      return items.get(id) ?? null;
    },
  });
  const put = (key: string, etag: string) => objects.set(key, { key, etag, size: etag.length, lastModified: null });
  return { objects, items, store, put, reads: () => reads, hold: (h: boolean) => (hold = h), release: () => gates.splice(0).forEach((g) => g()) };
}

describe('compareSequencers', () => {
  it('right-pads the shorter value with zeros before comparing', () => {
    expect(compareSequencers('0A', '0A00')).toBe(0);
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBe(-1);
    expect(compareSequencers('1', '0FFFF')).toBe(1);
    expect(compareSequencers('ab', 'AB')).toBe(0);
  });
});

describe('SnapshotStore', () => {
  it('re-reads the key an event names and keeps what the re-read says', async () => {
    const w = world();
    w.store.reconcile(w.store.mark(), [], []);
    w.put('a/terraform.tfstate', 'e1');
    expect(await w.store.objectChanged('a/terraform.tfstate', '01')).toBe('applied');
    expect(w.store.contents().objects.map((o) => o.etag)).toEqual(['e1']);
  });

  it('the same event three times: one re-read, the listing right', async () => {
    const w = world();
    w.put('k.tflock', 'x');
    const outcomes = [await w.store.objectChanged('k.tflock', '0A'), await w.store.objectChanged('k.tflock', '0A'), await w.store.objectChanged('k.tflock', '0A')];
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(w.reads()).toBe(1);
    expect(w.store.contents().objects.map((o) => o.key)).toEqual(['k.tflock']);
  });

  it('a delete delivered before the create of the same key: the late create does not bring the lock back', async () => {
    const w = world();
    // The lock file was created (seq 10) then deleted (seq 20); the delete's event arrives first.
    expect(await w.store.objectChanged('k.tflock', '20')).toBe('applied');
    expect(await w.store.objectChanged('k.tflock', '10')).toBe('duplicate');
    expect(w.store.contents().objects).toEqual([]);
  });

  it('a lock item removed before its insert arrives (stream sequence numbers): stays removed', async () => {
    const w = world();
    expect(await w.store.itemChanged('b/k', '200')).toBe('applied');
    w.items.set('b/k', { lockId: 'b/k', info: '{}', digest: null });
    // An older record cannot make the store go backwards, even if the item exists again meanwhile.
    expect(await w.store.itemChanged('b/k', '100')).toBe('duplicate');
    expect(w.store.contents().items).toEqual([]);
    expect(await w.store.itemChanged('b/k', '300')).toBe('applied');
    expect(w.store.contents().items.map((i) => i.lockId)).toEqual(['b/k']);
  });

  it('an event during a re-read of the same key asks for one more re-read after it', async () => {
    const w = world();
    w.put('s.tfstate', 'old');
    w.hold(true);
    const first = w.store.objectChanged('s.tfstate', '01');
    await Promise.resolve();
    w.put('s.tfstate', 'new');
    const second = w.store.objectChanged('s.tfstate', '02');
    w.hold(false);
    w.release();
    await Promise.all([first, second]);
    await w.store.settled();
    expect(w.store.contents().objects[0]?.etag).toBe('new');
    expect(w.reads()).toBe(2);
  });

  it('a full read never overwrites a key an event changed while it ran, and reports what differed', async () => {
    const w = world();
    w.put('a.tfstate', 'a1');
    w.store.reconcile(w.store.mark(), [{ key: 'a.tfstate', etag: 'a1', size: 2, lastModified: null }], []);
    expect(w.store.ready).toBe(true);
    const mark = w.store.mark();
    // While the listing runs, an event says a.tfstate changed and b.tflock appeared.
    w.put('a.tfstate', 'a2');
    w.put('b.tflock', 'b');
    await w.store.objectChanged('a.tfstate', '05');
    await w.store.objectChanged('b.tflock', '01');
    // The listing (older) saw a1 and no b; it also saw c, which no event announced.
    const diff = w.store.reconcile(mark, [{ key: 'a.tfstate', etag: 'a1', size: 2, lastModified: null }, { key: 'c.tfstate', etag: 'c', size: 1, lastModified: null }], []);
    expect(diff.objects).toEqual(['c.tfstate']);
    expect(w.store.contents().objects.map((o) => `${o.key}=${o.etag}`)).toEqual(['a.tfstate=a2', 'b.tflock=b', 'c.tfstate=c']);
    // The next full read (started after) is the truth for every key.
    const diff2 = w.store.reconcile(w.store.mark(), [{ key: 'a.tfstate', etag: 'a2', size: 2, lastModified: null }], []);
    expect(diff2.objects.sort()).toEqual(['b.tflock', 'c.tfstate']);
    expect(w.store.contents().objects.map((o) => o.key)).toEqual(['a.tfstate']);
  });

  it('a failed half of a full read leaves that half as it is and the store not ready', () => {
    const w = world();
    w.store.reconcile(w.store.mark(), [{ key: 'a.tfstate', etag: 'a', size: 1, lastModified: null }], null);
    expect(w.store.ready).toBe(false);
    expect(w.store.contents().objects).toHaveLength(1);
  });

  it('a failed re-read is reported (the backend then falls back) and never throws to the caller', async () => {
    const failures: string[] = [];
    const store = new SnapshotStore({ object: () => Promise.reject(new Error('AccessDenied')), item: async () => null });
    store.onRereadError = (_e, key) => failures.push(key);
    await expect(store.objectChanged('x.tfstate', '01')).resolves.toBe('applied');
    expect(failures).toEqual(['x.tfstate']);
  });

  it('contents keep their identity until something changes', async () => {
    const w = world();
    w.put('a.tfstate', 'a');
    await w.store.objectChanged('a.tfstate', null);
    const one = w.store.contents().objects;
    await w.store.objectChanged('a.tfstate', null);
    expect(w.store.contents().objects).toBe(one);
    w.put('a.tfstate', 'b');
    await w.store.objectChanged('a.tfstate', null);
    expect(w.store.contents().objects).not.toBe(one);
  });
});
