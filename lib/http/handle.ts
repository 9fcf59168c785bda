import 'server-only';
/**
 * The shape every route handler shares: run one service call, answer JSON, turn typed errors into
 * their status and JSON body, and never leak a stack trace (unknown failures are logged, the user
 * gets a short message).
 */
import type { z } from 'zod';
import { AppError } from '../api/errors';
import { toAppError } from '../server/errors';
import { getBackend } from '../server/backends';
import type { BackendConfig } from '../server/config';
import { observeRequest } from '../server/metrics';

export function errorResponse(error: AppError): Response {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (error.code === 'busy' || error.code === 'rate_limited') headers['retry-after'] = String((error.details as { retryAfterSeconds?: number }).retryAfterSeconds ?? 1);
  return Response.json({ error: error.toJson() }, { status: error.status, headers });
}

export async function handle(route: string, request: Request, run: () => Promise<Response | unknown>): Promise<Response> {
  const started = performance.now();
  let response: Response;
  try {
    const result = await run();
    response = result instanceof Response ? result : Response.json(result, { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    response = errorResponse(toAppError(e, 'request failed', { method: request.method, route }));
  }
  observeRequest(route, request.method, response.status, (performance.now() - started) / 1000);
  return response;
}

/**
 * The `GET` handler of a `/api/backends/{id}/…` read route: the backend is resolved once (an unknown
 * id is a 404 `backend_not_found`) and handed to the service, which never looks it up itself.
 */
export function backendRoute(route: string, run: (backend: BackendConfig, request: Request) => Promise<Response | unknown> | Response | unknown) {
  return async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const { id } = await params;
    return handle(route, request, async () => run(getBackend(id), request));
  };
}

/** Validates input with a zod schema; failures become a 400 listing each problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'input'}: ${i.message}`);
    throw new AppError('bad_request', `Invalid request: ${problems.join('; ')}`, { problems });
  }
  return parsed.data;
}

/**
 * Refuses (400 `bad_request`) a query string naming a parameter more than once, except the `lists`
 * documented as repeatable (e.g. `v` of restore-marks): `?key=a&key=b` is ambiguous, so neither the
 * first nor the last value is silently picked.
 */
export function assertSingleValued(search: URLSearchParams, lists: readonly string[] = []): void {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of search.keys()) {
    if (lists.includes(name)) continue;
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  if (repeated.size > 0) {
    const problems = [...repeated].map((name) => `${name.slice(0, 64)}: given more than once`);
    throw new AppError('bad_request', `Invalid request: ${problems.join('; ')}`, { problems });
  }
}

/** The query string of a request as a plain object; a parameter given twice is a 400 (assertSingleValued). */
export function queryOf(request: Request): Record<string, string> {
  const search = new URL(request.url).searchParams;
  assertSingleValued(search);
  return Object.fromEntries(search);
}
