import { describe, expect, it } from 'vitest';
import { RequestSlots } from './request-slots';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('RequestSlots', () => {
  it('sends at most `max` at once; the next waits for a slot', async () => {
    const slots = new RequestSlots(2);
    const gates = [deferred(), deferred(), deferred()];
    const sent: number[] = [];
    const runs = gates.map((g, i) =>
      slots.run(undefined, async () => {
        sent.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(sent).toEqual([0, 1]);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(sent).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
  });

  it('drops a waiting request whose signal aborts: it is never sent and frees no one else’s slot', async () => {
    const slots = new RequestSlots(1);
    const gate = deferred();
    const sent: string[] = [];
    const first = slots.run(undefined, async () => {
      sent.push('first');
      await gate.promise;
    });
    const controller = new AbortController();
    const dropped = slots.run(controller.signal, async () => void sent.push('dropped'));
    const third = slots.run(undefined, async () => void sent.push('third'));
    controller.abort(new Error('filtered away'));
    await expect(dropped).rejects.toThrow('filtered away');
    gate.resolve();
    await first;
    await third;
    expect(sent).toEqual(['first', 'third']);
    await expect(slots.run(controller.signal, async () => 'late')).rejects.toThrow('filtered away');
  });
});
