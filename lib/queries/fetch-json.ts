import { AppError } from '../api/errors';

/** Fetches JSON from Lockboard's API; any failure becomes a typed AppError with a readable message. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}), ...init?.headers } });
  } catch {
    throw new AppError('aws_unreachable', 'Lockboard server cannot be reached. Check your connection.');
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
