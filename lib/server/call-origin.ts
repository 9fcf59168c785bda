import 'server-only';
/**
 * Which part of Lockboard made an AWS call: the backend watcher (its periodic read and the
 * evaluation of that read), alerting (event claims and deliveries), the inventory indexer, other
 * background reads (last writers, version histories, posture history), discovery across accounts, or a request. Counted per origin in `lockboard_aws_calls_total` so that "alerting adds no reads" is a
 * number one can read, not an inference from two runs' totals.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * `events`: the event consumers' long polls (ReceiveMessage, GetRecords), which wait by design.
 * `liveness`: an event-mode backend's heartbeat listing (live: it answers "is the holder alive?"),
 * counted apart from the state listing that event mode replaces.
 */
export type CallOrigin = 'watcher' | 'alerting' | 'inventory' | 'background' | 'discovery' | 'request' | 'events' | 'liveness';

/** Origins whose AWS requests yield to live reads (lib/server/read-budget.ts). */
export function isBackgroundOrigin(origin: CallOrigin): boolean {
  return origin === 'inventory' || origin === 'background' || origin === 'discovery';
}

// On globalThis: the SDK middleware that reads it and the code that sets it may sit in different
// Next.js bundles (routes, instrumentation), and they must share one store.
const storageKey = Symbol.for('lockboard.callOrigin');

function storage(): AsyncLocalStorage<CallOrigin> {
  const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<CallOrigin> | undefined>;
  holder[storageKey] ??= new AsyncLocalStorage<CallOrigin>();
  return holder[storageKey];
}

/** Runs `fn` with AWS calls (including those of promises it starts) counted as `origin`. */
export function withCallOrigin<T>(origin: CallOrigin, fn: () => T): T {
  return storage().run(origin, fn);
}

/** The origin of the code running now ('request' unless set). */
export function callOrigin(): CallOrigin {
  return storage().getStore() ?? 'request';
}
