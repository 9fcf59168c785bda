import { preload } from 'react-dom';
import type { PublicBackend } from '../api/backends';
import { firstPageUrl, PRELOADED_BACKENDS } from '../api/urls';

/**
 * Starts the first backends' first page (lib/queries/first-page.ts) as the HTML arrives, instead of
 * after the page's scripts have loaded and hydrated; the page's first `fetch` of the same URL
 * (same-origin, the default credentials) takes the preloaded answer. Not their whole listing: at
 * 20,000 states its 8 MB would be serialised on the server's one event loop before the first page's
 * answer; the page asks for it once the first page is in.
 */
export function preloadListings(backends: readonly PublicBackend[], route: 'states' | 'locks'): void {
  for (const b of backends.slice(0, PRELOADED_BACKENDS)) preload(firstPageUrl(b.id, route), { as: 'fetch', crossOrigin: 'anonymous' });
}
