import { ConfigError, getConfig } from './config';
import { logger } from './logger';

/** Validates the configuration at server start; a bad one stops the process with every problem listed. */
export function validateConfigOrExit(): void {
  try {
    const config = getConfig();
    logger.info('configuration loaded', { source: config.source, backends: config.backends.map((b) => b.id) });
  } catch (e) {
    if (e instanceof ConfigError) {
      logger.error('invalid configuration: Lockboard does not start', { problems: e.problems });
      process.exit(1);
    }
    throw e;
  }
}
