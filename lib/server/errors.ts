import 'server-only';
/**
 * The server's one normaliser from a thrown value to an AppError. AppErrors (typed failures with a
 * message a person can act on) pass unchanged; anything else is a bug or an unforeseen failure: it is
 * logged with its context and answered as `internal`, never with its stack or message.
 */
import { AppError, INTERNAL_ERROR_MESSAGE } from '../api/errors';
import { logger, type LogContext } from './logger';

/**
 * `msg` says what was being done ("GET /api/locks failed", "snapshot read failed"); `context` adds the
 * facts (backend, key, route…) to the log line.
 */
export function toAppError(e: unknown, msg: string, context: LogContext = {}): AppError {
  if (e instanceof AppError) return e;
  logger.error(msg, { ...context, error: e });
  return new AppError('internal', INTERNAL_ERROR_MESSAGE);
}
