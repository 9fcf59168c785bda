import { AppError } from '../api/errors';

export const NETWORK_ERROR_MESSAGE = 'Lockboard itself could not be reached (network down, or the Lockboard server stopped). Check your connection and try again.';

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The browser's one normaliser from a thrown value to an AppError: AppErrors unchanged, a failed
 * `fetch` (TypeError: network down, server gone) `network_error`, anything else `internal` with its
 * message. Null for no error, so `toClientError(query.error)` reads naturally.
 */
export function toClientError(error: unknown): AppError | null {
  if (error === null || error === undefined) return null;
  if (error instanceof AppError) return error;
  if (error instanceof TypeError) return new AppError('network_error', NETWORK_ERROR_MESSAGE);
  return new AppError('internal', error instanceof Error ? error.message : String(error));
}

/** Fetches JSON from Lockboard's API; any failure becomes a typed AppError with a readable message. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}), ...init?.headers } });
  } catch (e) {
    // A cancelled query is not a failure to report.
    if (isAbort(e)) throw e;
    throw new AppError('network_error', NETWORK_ERROR_MESSAGE);
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Non-JSON body (proxy error page…): handled below.
  }
  if (!response.ok) throw AppError.fromJson(body, response.status);
  return body as T;
}
