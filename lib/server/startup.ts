import { ConfigError, getConfig, type AppConfig } from './config';
import { logger } from './logger';
import { signingStartupCheck } from './signing-config';

/** The one start-up line that says who may change things, when that is everyone. */
export function authWarning(config: Pick<AppConfig, 'authMode' | 'readOnly' | 'listenHost'>): string | null {
  if (config.authMode !== 'none') return null;
  if (config.readOnly) return `WARNING: authMode "none" (read-only): no authentication, anyone who can reach ${config.listenHost} can read every state's locks and history.`;
  return `WARNING: authMode "none": no authentication, anyone who can reach this server (listening on ${config.listenHost}) may force-unlock, repair digests and restore state. Set LOCKBOARD_AUTH_MODE=proxy behind an authenticating proxy for shared use.`;
}

/** Validates the configuration at server start; a bad one stops the process with every problem listed. */
export function validateConfigOrExit(): void {
  try {
    const config = getConfig();
    logger.info('configuration loaded', { source: config.source, backends: config.backends.map((b) => b.id) });
    const warning = authWarning(config);
    if (warning) logger.warn(warning, { authMode: config.authMode, listenHost: config.listenHost });
    // The signing key (issue 21 item 7): required in proxy mode, a warning without one in mode none.
    const signing = signingStartupCheck(config);
    if (signing?.level === 'error') throw new ConfigError([signing.message]);
    if (signing) logger.warn(signing.message, { authMode: config.authMode });
  } catch (e) {
    if (e instanceof ConfigError) {
      logger.error('invalid configuration: Lockboard does not start', { problems: e.problems });
      process.exit(1);
    }
    throw e;
  }
}
