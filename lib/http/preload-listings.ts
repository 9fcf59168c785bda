import { preload } from 'react-dom';
import type { PublicBackend } from '../api/backends';
import { backendApiUrl, firstPageUrl, PRELOADED_BACKENDS } from '../api/urls';

/**
 * Starts the first backends' first page and whole listing as the HTML arrives, instead of after the
 * page's scripts have loaded and hydrated (at 20,000 states the whole answer takes as long as the
 * scripts); the other backends' listings are asked for once the page runs. The page's first `fetch`
 * of the same URL (same-origin, the default credentials) takes the preloaded answer. First pages
 * first: they are small and show rows while the whole listings load.
 */
export function preloadListings(backends: readonly PublicBackend[], route: 'states' | 'locks'): void {
  const first = backends.slice(0, PRELOADED_BACKENDS);
  for (const b of first) preload(firstPageUrl(b.id, route), { as: 'fetch', crossOrigin: 'anonymous' });
  for (const b of first) preload(backendApiUrl(b.id, route), { as: 'fetch', crossOrigin: 'anonymous' });
}
