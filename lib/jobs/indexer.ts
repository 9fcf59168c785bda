import 'server-only';
/**
 * The first inventory pass of every backend, started on its own shortly after start-up so that search
 * is ready before anyone asks (later passes start when a view or a search finds the index due). Two
 * backends at a time, each pass's downloads paced by the read budget as background work
 * (lib/server/read-budget.ts), so live reads keep their freshness meanwhile.
 */
import { getConfig } from '../server/config';
import { mapLimit } from '../server/concurrency';
import { toAppError } from '../server/errors';
import { logger } from '../server/logger';
import { ensurePass } from '../services/inventory-pass';

const START_DELAY_MS = 2_000;
const BACKENDS_AT_ONCE = 2;

export function startIndexing(): void {
  const config = getConfig();
  if (!config.indexOnStart || config.backends.length === 0) return;
  const timer = setTimeout(() => {
    const started = Date.now();
    void mapLimit(getConfig().backends, BACKENDS_AT_ONCE, (b) => ensurePass(b))
      .then(() => logger.info('first inventory passes done', { backends: config.backends.length, seconds: Math.round((Date.now() - started) / 1000) }))
      .catch((e: unknown) => logger.warn('first inventory passes failed', { error: toAppError(e, 'first inventory passes failed').message }));
  }, START_DELAY_MS);
  timer.unref?.();
}
