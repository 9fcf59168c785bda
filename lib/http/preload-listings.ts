import { preload } from 'react-dom';
import type { PublicBackend } from '../api/backends';
import { backendApiUrl } from '../api/urls';

/**
 * At most this many listings are preloaded: the browser has 6 connections to the host, and the page's
 * own scripts need them too; the other backends' listings are asked for once the page runs.
 */
const PRELOADED = 3;

/**
 * Starts the first backends' whole listing as the HTML arrives, instead of after the page's scripts
 * have loaded and hydrated (at 20,000 states the answer takes as long as the scripts). The page's
 * first `fetch` of the same URL (same-origin, the default credentials) takes the preloaded answer.
 */
export function preloadListings(backends: readonly PublicBackend[], route: 'states' | 'locks'): void {
  for (const b of backends.slice(0, PRELOADED)) preload(backendApiUrl(b.id, route), { as: 'fetch', crossOrigin: 'anonymous' });
}
