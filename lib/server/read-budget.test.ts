import { describe, expect, it } from 'vitest';
import { BudgetWaitTimeout, EndpointBudget } from './read-budget';

function budget(over: Partial<{ maxInFlight: number; maxBackground: number; maxBackgroundWaitMs: number }> = {}) {
  let now = 0;
  const b = new EndpointBudget({ maxInFlight: 4, maxBackground: 4, maxBackgroundWaitMs: 10_000, now: () => now, ...over });
  return { b, advance: (ms: number) => (now += ms) };
}

/** Resolves pending promise callbacks. */
const tick = () => new Promise((r) => setImmediate(r));

async function admitted(p: Promise<() => void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true), () => undefined);
  await tick();
  return done;
}

describe('EndpointBudget', () => {
  it('admits live requests up to the endpoint limit, then in arrival order', async () => {
    const { b } = budget();
    const releases = await Promise.all([1, 2, 3, 4].map(() => b.acquire('live', 'a')));
    const fifth = b.acquire('live', 'b');
    expect(await admitted(fifth)).toBe(false);
    releases[0]!();
    expect(await admitted(fifth)).toBe(true);
  });

  it('starts background work only while no live request waits, on at most half the slots', async () => {
    const { b } = budget({ maxBackground: 4 });
    const bg1 = b.acquire('background', 'a');
    const bg2 = b.acquire('background', 'a');
    const bg3 = b.acquire('background', 'a');
    expect(await admitted(bg1)).toBe(true);
    expect(await admitted(bg2)).toBe(true);
    // The initial per-backend limit is 2 (and half the endpoint's 4 slots): the third waits.
    expect(await admitted(bg3)).toBe(false);
    const live = [b.acquire('live', 'x'), b.acquire('live', 'x')];
    expect(await admitted(live[0]!)).toBe(true);
    expect(await admitted(live[1]!)).toBe(true);
    // A live request waiting for a slot goes before the waiting background one.
    const live3 = b.acquire('live', 'x');
    (await bg1)();
    expect(await admitted(live3)).toBe(true);
    expect(await admitted(bg3)).toBe(false);
  });

  it('halves background work on throttling, pauses at zero, then resumes with one and grows back', async () => {
    const { b, advance } = budget({ maxInFlight: 16 });
    expect(b.status('a').limit).toBe(2);
    b.onThrottle('a');
    expect(b.status('a').limit).toBe(1);
    b.onThrottle('a'); // within the cooldown: the same burst
    expect(b.status('a').limit).toBe(1);
    advance(1_000);
    b.onThrottle('a');
    expect(b.status('a')).toMatchObject({ limit: 0, backoffs: 2 });
    expect(b.status('a').pausedForMs).toBe(2_000);
    const waiting = b.acquire('background', 'a');
    expect(await admitted(waiting)).toBe(false);
    // Another backend on the same endpoint is not paused.
    expect(await admitted(b.acquire('background', 'other'))).toBe(true);
    advance(2_001);
    expect(await admitted(b.acquire('live', 'x'))).toBe(true); // any activity re-checks the queue
    expect(await admitted(waiting)).toBe(true);
    expect(b.status('a').limit).toBe(1);
    b.onBackgroundSuccess('a');
    expect(b.status('a').limit).toBe(2);
    b.onBackgroundSuccess('a');
    b.onBackgroundSuccess('a');
    expect(b.status('a').limit).toBe(3);
  });

  it('backs off every backend of the endpoint when live reads slow down well past their baseline', () => {
    const { b, advance } = budget({ maxInFlight: 16 });
    b.status('a');
    b.status('b');
    for (let i = 0; i < 20; i++) b.onLiveLatency(100);
    expect(b.status('a').limit).toBe(2);
    for (let i = 0; i < 3; i++) b.onLiveLatency(1_500);
    expect(b.status('a').limit).toBe(1);
    expect(b.status('b').limit).toBe(1);
    advance(1_000);
    b.onLiveLatency(1_500);
    expect(b.status('a').limit).toBe(0);
    // Slow live reads also stop the additive increase.
    b.onBackgroundSuccess('a');
    expect(b.status('a').limit).toBe(0);
  });

  it('judges each kind of live request against its own baseline: slow Scan pages after fast GetItems are not a slow-down', () => {
    const { b, advance } = budget({ maxInFlight: 16 });
    b.status('a');
    for (let i = 0; i < 20; i++) {
      b.onLiveLatency(5, 'a:GetItem');
      b.onLiveLatency(900, 'a:Scan');
      advance(1_100);
    }
    expect(b.status('a').limit).toBe(2);
    expect(b.status('a').backoffs).toBe(0);
    // The same Scan suddenly many times slower is one.
    for (let i = 0; i < 3; i++) b.onLiveLatency(20_000, 'a:Scan');
    expect(b.status('a').backoffs).toBe(1);
  });

  it('refuses a background request that waited longer than its bound', async () => {
    const { b, advance } = budget({ maxInFlight: 2, maxBackgroundWaitMs: 5_000 });
    const live = await Promise.all([b.acquire('live', 'x'), b.acquire('live', 'x')]);
    const bg = b.acquire('background', 'a');
    const outcome = bg.then(() => 'admitted', (e: unknown) => e);
    advance(6_000);
    live[0]!();
    expect(await outcome).toBeInstanceOf(BudgetWaitTimeout);
  });

  it('a release is counted once however often it is called', async () => {
    const { b } = budget({ maxInFlight: 1 });
    const release = await b.acquire('live', 'x');
    release();
    release();
    const a = b.acquire('live', 'x');
    const c = b.acquire('live', 'x');
    expect(await admitted(a)).toBe(true);
    expect(await admitted(c)).toBe(false);
  });
});
