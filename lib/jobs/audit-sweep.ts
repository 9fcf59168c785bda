import 'server-only';
/** The audit sweep: at server start, complete the records that interrupted mutations left pending. */
import { sweepInterrupted } from '../audit/audit-interrupted';
import { toAppError } from '../server/errors';
import { logger } from '../server/logger';

/** Started once at server start (instrumentation), in the background: never delays or fails start-up. */
export function startInterruptedSweep(): void {
  void sweepInterrupted()
    .then((completed) => logger.info('audit sweep', { completed }))
    .catch((e: unknown) => logger.warn('audit sweep failed', { error: toAppError(e, 'audit sweep failed').message }));
}
