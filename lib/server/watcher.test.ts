import { afterEach, describe, expect, it } from 'vitest';
import { Watcher, type WatcherOptions } from './watcher';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const watchers: Array<Watcher<unknown>> = [];
afterEach(() => watchers.splice(0).forEach((w) => w.stop()));

interface Fake {
  watcher: Watcher<number>;
  reads: () => number;
  release: (ok?: boolean) => void;
}

/** A watcher over a fake read: each read returns its sequence number; `manual` reads wait for release(). */
function fake(opts: Partial<WatcherOptions<number>> & { manual?: boolean; readMs?: number } = {}): Fake {
  let n = 0;
  const pending: Array<(ok: boolean) => void> = [];
  const okByValue = new Map<number, boolean>();
  const watcher = new Watcher<number>({
    read: () => {
      const value = ++n;
      if (opts.manual)
        return new Promise<number>((r) =>
          pending.push((ok) => {
            okByValue.set(value, ok);
            r(value);
          }),
        );
      return sleep(opts.readMs ?? 0).then(() => value);
    },
    isOk: (v) => okByValue.get(v) ?? true,
    intervalMs: () => 60,
    idleAfterMs: () => 120,
    ...opts,
  });
  watchers.push(watcher as Watcher<unknown>);
  return {
    watcher,
    reads: () => n,
    release: (ok = true) => pending.shift()?.(ok),
  };
}

describe('Watcher', () => {
  it('push (event mode) keeps a value as the latest read without reading, tells listeners, and outdates a read started before it', async () => {
    const told: number[] = [];
    const f = fake({ manual: true, onRead: (read) => told.push(read.value) });
    const slow = f.watcher.refresh();
    await sleep(5);
    f.watcher.push(100);
    expect(f.reads()).toBe(1);
    expect((await f.watcher.get()).value).toBe(100);
    f.release();
    await slow;
    // The read that started before the push is not kept: the pushed value stays the latest.
    expect(f.watcher.peek()?.value).toBe(100);
    expect(told).toEqual([100]);
  });

  it('makes the first caller after idle wait for a read, shared by concurrent callers', async () => {
    const f = fake({ manual: true });
    const calls = Array.from({ length: 20 }, () => f.watcher.get());
    expect(f.reads()).toBe(1);
    f.release();
    const answers = await Promise.all(calls);
    expect(new Set(answers.map((a) => a.value))).toEqual(new Set([1]));
  });

  it('serves the latest read while it is younger than the interval, never older', async () => {
    const f = fake({ keepAlive: () => false, idleAfterMs: () => 0 });
    const first = await f.watcher.get();
    expect((await f.watcher.get()).value).toBe(first.value);
    await sleep(80);
    const later = await f.watcher.get();
    expect(later.value).toBe(2);
    expect(Date.now() - later.completedAt).toBeLessThan(60);
  });

  it('reads on its own about once per interval while viewed, then stops when nobody looks', async () => {
    const f = fake({ readMs: 5 });
    await f.watcher.get();
    await sleep(300);
    // Viewed once at t=0, idle after 120 ms: a couple of background reads, then none.
    const afterIdle = f.reads();
    expect(afterIdle).toBeGreaterThanOrEqual(2);
    expect(afterIdle).toBeLessThanOrEqual(4);
    expect(f.watcher.active()).toBe(false);
    await sleep(150);
    expect(f.reads()).toBe(afterIdle);
  });

  it('keeps viewers of a watched backend from waiting: the next read is ready before the latest expires', async () => {
    const f = fake({ readMs: 15 });
    await f.watcher.get();
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      await sleep(20);
      const t = performance.now();
      const read = await f.watcher.get();
      waits.push(performance.now() - t);
      expect(Date.now() - read.startedAt).toBeLessThanOrEqual(60 + 15 + 25);
    }
    // Over ~240 ms with a 60 ms interval: about 4 reads, not one per get().
    expect(f.reads()).toBeLessThanOrEqual(8);
    expect(waits.filter((ms) => ms > 10).length).toBeLessThanOrEqual(3);
  });

  it('with reads slower than the interval, overlaps at most two so a fresh read lands every interval', async () => {
    let running = 0;
    let maxRunning = 0;
    const starts: number[] = [];
    const watcher = new Watcher<number>({
      read: async () => {
        starts.push(Date.now());
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(160);
        running--;
        return starts.length;
      },
      isOk: () => true,
      intervalMs: () => 100,
      idleAfterMs: () => 2000,
    });
    watchers.push(watcher as Watcher<unknown>);
    const t0 = Date.now();
    await watcher.get();
    await sleep(700);
    // A viewer gets a read younger than interval + one read, and rarely waits for one.
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const read = await watcher.get();
      waits.push(performance.now() - t);
      expect(Date.now() - read.startedAt).toBeLessThanOrEqual(100 + 160 + 60);
      await sleep(37);
    }
    expect(waits.filter((ms) => ms > 40).length).toBeLessThanOrEqual(3);
    // Reads started at most one per interval, never more than two at once.
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(starts.length).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / 100) + 1);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(95);
  });

  it('serves the latest while the read replacing it (started within an interval of it) runs, not a listing a late read replaces', async () => {
    const soon = <T,>(p: Promise<T>) => Promise.race([p, sleep(15).then(() => 'waiting' as const)]);
    // Watched: read 1 completes at ~40 ms, read 2 starts at ~100 ms and is slow (read 3 would start at ~200).
    const f = fake({ manual: true, intervalMs: () => 100, idleAfterMs: () => 1000 });
    const first = f.watcher.get();
    await sleep(40);
    f.release();
    await first;
    await sleep(110);
    expect(f.reads()).toBe(2);
    // 110 ms old, more than the interval, but read 2 is on its way: served, no wait.
    expect(await soon(f.watcher.get())).toMatchObject({ value: 1 });
    f.release();
    f.release();
    await sleep(5);
    expect(f.watcher.peek()!.value).toBeGreaterThanOrEqual(2);

    // Not watched in between: read 2 starts only when a viewer comes back, long after read 1 completed.
    const g = fake({ manual: true, intervalMs: () => 100, idleAfterMs: () => 30 });
    const one = g.watcher.get();
    g.release();
    await one;
    await sleep(200);
    const a = g.watcher.get();
    await sleep(10);
    const b = g.watcher.get();
    expect(await soon(b)).toBe('waiting');
    g.release();
    expect((await a).value).toBe(2);
    expect((await b).value).toBe(2);
  });

  it('plans the next background read from the latest start, also one a viewer caused', async () => {
    const starts: number[] = [];
    const watcher = new Watcher<number>({
      read: async () => {
        starts.push(Date.now());
        await sleep(5);
        return starts.length;
      },
      isOk: () => true,
      intervalMs: () => 100,
      idleAfterMs: () => 1000,
    });
    watchers.push(watcher as Watcher<unknown>);
    await watcher.get(); // read 1 at 0; the next planned at 100
    await sleep(50);
    watcher.invalidate(); // a mutation: the next viewer waits for a read started now (~50)
    await watcher.get();
    await sleep(230);
    // Not one at 100 as first planned: 150, 250…
    expect(starts.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(45);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(95);
  });

  it('stays on with nobody viewing while keepAlive says so', async () => {
    let alive = true;
    const f = fake({ keepAlive: () => alive });
    f.watcher.wake();
    await sleep(200);
    expect(f.reads()).toBeGreaterThanOrEqual(2);
    alive = false;
    await sleep(100);
    const n = f.reads();
    await sleep(150);
    expect(f.reads()).toBe(n);
  });

  it('after invalidate(), the next caller waits for a read started after it, not the one in flight', async () => {
    const f = fake({ manual: true });
    const before = f.watcher.get();
    f.watcher.invalidate();
    const after = f.watcher.get();
    expect(f.reads()).toBe(2);
    f.release(); // the read started before the mutation
    expect((await before).value).toBe(1);
    f.release();
    expect((await after).value).toBe(2);
    // The pre-mutation read was not kept: the latest is the post-mutation one.
    expect(f.watcher.peek()?.value).toBe(2);
  });

  it('with patienceMs, a viewer of a stale read waits that long, then gets the kept read marked behind', async () => {
    // Nobody counts as viewing after the call (idleAfterMs 0): no background reads, only the viewers'.
    const f = fake({ manual: true, intervalMs: () => 30, idleAfterMs: () => 0, patienceMs: () => 20 });
    const first = f.watcher.get();
    f.release();
    expect((await first).value).toBe(1);
    await sleep(40);
    // The kept read is past the interval; the new read runs past the patience.
    const t = performance.now();
    const served = await f.watcher.get();
    expect(performance.now() - t).toBeLessThan(500);
    expect(served.value).toBe(1);
    expect(served.behind).toBe(true);
    // The newer read went on, and is what the next viewer gets once it completes.
    f.release();
    await sleep(5);
    expect(f.watcher.peek()?.value).toBe(2);
    expect(f.watcher.peek()?.behind).toBeUndefined();
  });

  it('with patienceMs, a read completing in time is served fresh, and a mutation is never answered with the read before it', async () => {
    const f = fake({ manual: true, intervalMs: () => 30, idleAfterMs: () => 0, patienceMs: () => 200 });
    const first = f.watcher.get();
    f.release();
    await first;
    await sleep(40);
    const second = f.watcher.get();
    f.release();
    expect(await second).toMatchObject({ value: 2 });
    expect((await second).behind).toBeUndefined();
    f.watcher.invalidate();
    const after = f.watcher.get();
    await sleep(250);
    let settled = false;
    void after.then(() => (settled = true));
    await sleep(0);
    expect(settled).toBe(false); // still waiting for the read after the mutation, past the patience
    f.release();
    expect((await after).value).toBe(3);
  });

  it('with interval 0, patienceMs does not apply: every caller waits for its fresh read', async () => {
    const f = fake({ manual: true, intervalMs: () => 0, patienceMs: () => 10 });
    const first = f.watcher.get();
    f.release();
    await first;
    let settled = false;
    const second = f.watcher.get().then((r) => ((settled = true), r));
    await sleep(60);
    expect(settled).toBe(false);
    f.release();
    expect((await second).value).toBe(2);
  });

  it('marks a failed read as not ok and remembers the last good one separately', async () => {
    const f = fake({ manual: true, intervalMs: () => 0 });
    const a = f.watcher.get();
    f.release(true);
    await a;
    const b = f.watcher.get();
    f.release(false);
    const bad = await b;
    expect(bad.ok).toBe(false);
    expect(f.watcher.peek()?.ok).toBe(false);
    expect(f.watcher.lastSuccessful()?.value).toBe(1);
  });

  it('with interval 0 every caller gets a fresh (shared) read and nothing runs in the background', async () => {
    const f = fake({ intervalMs: () => 0 });
    await f.watcher.get();
    await f.watcher.get();
    expect(f.reads()).toBe(2);
    await sleep(50);
    expect(f.reads()).toBe(2);
  });

  it('passes a rejected read to its callers without keeping it', async () => {
    const watcher = new Watcher<number>({ read: () => Promise.reject(new Error('boom')), isOk: () => true, intervalMs: () => 1000, idleAfterMs: () => 0 });
    watchers.push(watcher as Watcher<unknown>);
    await expect(watcher.get()).rejects.toThrow('boom');
    expect(watcher.peek()).toBeNull();
  });

  it('tells listeners of each kept read with the one it replaces', async () => {
    const seen: Array<[number, number | null]> = [];
    const f = fake({ intervalMs: () => 0, onRead: (read, prev) => seen.push([read.value, prev?.value ?? null]) });
    await f.watcher.get();
    await f.watcher.get();
    expect(seen).toEqual([
      [1, null],
      [2, 1],
    ]);
  });
});
