import 'server-only';
/**
 * The server's one normaliser from a thrown value to an AppError. AppErrors (typed failures with a
 * message a person can act on) pass unchanged; anything else is a bug or an unforeseen failure: it is
 * logged with its context and answered as `internal`, never with its stack or message.
 *
 * Next.js bundles the routes, the proxy and instrumentation separately, each with its own copy of
 * the AppError class, while what they share lives on globalThis (a backend's watcher and its last
 * read). An AppError made in one bundle therefore fails `instanceof` in another: it is recognised by
 * its name and code instead, and rebuilt as this bundle's AppError.
 */
import { AppError, INTERNAL_ERROR_MESSAGE, isErrorCode, type ErrorCode } from '../api/errors';
import { logger, type LogContext } from './logger';

/** This bundle's AppError for an AppError of any bundle (same name, a known code, a message); null for anything else. */
export function asAppError(e: unknown): AppError | null {
  if (e instanceof AppError) return e;
  if (!(e instanceof Error) || e.name !== 'AppError') return null;
  const { code, details } = e as Error & { code?: unknown; details?: unknown };
  if (!isErrorCode(code) || code === 'network_error') return null;
  const facts = details !== null && typeof details === 'object' ? details : {};
  return new AppError<ErrorCode>(code, e.message, facts as never) as AppError;
}

/**
 * `msg` says what was being done ("GET /api/locks failed", "snapshot read failed"); `context` adds the
 * facts (backend, key, route…) to the log line.
 */
export function toAppError(e: unknown, msg: string, context: LogContext = {}): AppError {
  const known = asAppError(e);
  if (known) return known;
  logger.error(msg, { ...context, error: e });
  return new AppError('internal', INTERNAL_ERROR_MESSAGE);
}
