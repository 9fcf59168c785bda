/**
 * Every URL the browser builds, in one place: the JSON API under `/api/backends/{id}/…` and the deep
 * links to pages. The backend id is one path segment (encoded, so an id with `/`, `?` or `#` cannot
 * name another route); query values are encoded by URLSearchParams, an array repeating its name
 * (`k=a&k=b`), null and undefined left out. Client-safe: no import at all.
 */

/** The routes under `/api/backends/{id}/` (`app/api/backends/[id]/<route>/route.ts`; urls.test.ts checks the folders). */
export const BACKEND_API_ROUTES = [
  'diff',
  'digest',
  'freeze',
  'inventory',
  'last-writers',
  'locks',
  'migration',
  'migration/cleanup',
  'object',
  'posture',
  'restore',
  'restore-marks',
  'states',
  'unfreeze',
  'unlock',
  'unlock-many',
  'version-metadata',
  'versions',
] as const;
export type BackendApiRoute = (typeof BACKEND_API_ROUTES)[number];

export type QueryValue = string | number | null | undefined | readonly string[];
export type QueryParams = Readonly<Record<string, QueryValue>>;

/** `?a=1&k=x&k=y`, or '' when nothing is left. */
export function queryString(params: QueryParams = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number') query.append(name, String(value));
    else for (const v of value) query.append(name, v);
  }
  const qs = query.toString();
  return qs ? `?${qs}` : '';
}

/** `/api/backends/{id}/{route}?{params}`. */
export function backendApiUrl(backendId: string, route: BackendApiRoute, params?: QueryParams): string {
  return `/api/backends/${encodeURIComponent(backendId)}/${route}${queryString(params)}`;
}

/** Rows in a listing's first page, shown while the whole listing loads (lib/queries/first-page.ts). */
export const FIRST_PAGE_ROWS = 50;
/**
 * The backends (first in the page's order) whose listings are preloaded with the HTML and whose first
 * page is asked for: the browser has 6 connections to the host, and the page's scripts need them too.
 */
export const PRELOADED_BACKENDS = 3;

/** A listing's first page, in the order its page shows first (the preload and the page's fetch use this same URL). */
export function firstPageUrl(backendId: string, route: 'states' | 'locks'): string {
  return backendApiUrl(backendId, route, { limit: FIRST_PAGE_ROWS, sort: route === 'states' ? 'key' : '-age' });
}

/** The state page of one state (deep link by backend and key). */
export function statePageHref(backendId: string, key: string): string {
  return `/state${queryString({ backend: backendId, key })}`;
}

/** The audit page opened on one record (`id`), or on one backend's records. */
export function auditPageHref(backend: string, id?: string): string {
  return `/audit${queryString({ backend: backend || undefined, id })}`;
}
