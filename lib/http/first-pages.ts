import 'server-only';
/**
 * The first page of the first backends' listings, rendered into the page's HTML (the rows are there
 * before the page's scripts load and hydrate), as `GET /api/backends/{id}/states?limit=50&sort=key`
 * (locks `sort=-age`) would answer it; lib/queries/first-page.ts takes it as the query's data. Only
 * while the server has the read at hand: a page never waits more than SERVER_FIRST_PAGE_WAIT_MS for
 * it (the rest of the page is streamed meanwhile); a backend not answered by then is asked for by
 * the browser, as before. The backends are the page's own (pageSettings: only those its caller may
 * view), so this shows nothing the API would not.
 */
import type { FirstPages, ListingPage } from '../api/listing';
import type { PublicBackend } from '../api/backends';
import type { Lock } from '../terraform/locks';
import type { StateEntry } from '../api/states';
import { FIRST_PAGE_ROWS, PRELOADED_BACKENDS } from '../api/urls';
import { getBackend } from '../server/backends';
import { logger } from '../server/logger';
import { answerLocks, answerStates } from '../services/listing-feed';
import { listLocks } from '../services/list-locks';
import { listStates } from '../services/list-states';

/** A fresh read is at hand in well under this (a read behind the interval is served after 300 ms: lib/server/watcher.ts). */
export const SERVER_FIRST_PAGE_WAIT_MS = 800;

async function within<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Backends missing from the answer were not at hand in time, or failed. */
async function firstPages<T>(backends: readonly PublicBackend[], page: (id: string) => Promise<ListingPage<T>>): Promise<FirstPages<T>> {
  const out: FirstPages<T> = {};
  await Promise.all(
    backends.slice(0, PRELOADED_BACKENDS).map(async (b) => {
      const work = page(b.id);
      // A late answer is dropped; its failure must not become an unhandled rejection.
      work.catch(() => undefined);
      try {
        const answer = await within(work, SERVER_FIRST_PAGE_WAIT_MS);
        if (answer) out[b.id] = answer;
      } catch (e) {
        logger.warn('first page not rendered with the page; the browser asks for it', { backend: b.id, error: e instanceof Error ? e.message : String(e) });
      }
    }),
  );
  return out;
}

export function firstStatePages(backends: readonly PublicBackend[]): Promise<FirstPages<StateEntry>> {
  return firstPages(backends, async (id) => {
    const backend = getBackend(id);
    return answerStates(backend, await listStates(backend), { limit: FIRST_PAGE_ROWS, sort: 'key' }) as ListingPage<StateEntry>;
  });
}

export function firstLockPages(backends: readonly PublicBackend[]): Promise<FirstPages<Lock>> {
  return firstPages(backends, async (id) => {
    const backend = getBackend(id);
    return answerLocks(backend, await listLocks(backend), { limit: FIRST_PAGE_ROWS, sort: '-age' }) as ListingPage<Lock>;
  });
}
