import { ConfigError, getConfig, type AppConfig } from './config';
import { logger } from './logger';
import { signingStartupCheck } from './signing-config';

/** The one start-up line that says who may change things, when that is everyone. */
export function authWarning(config: Pick<AppConfig, 'authMode' | 'readOnly' | 'listenHost'>): string | null {
  if (config.authMode !== 'none') return null;
  if (config.readOnly) return `WARNING: authMode "none" (read-only): no authentication, anyone who can reach ${config.listenHost} can read every state's locks and history.`;
  return `WARNING: authMode "none": no authentication, anyone who can reach this server (listening on ${config.listenHost}) may force-unlock, repair digests and restore state. Set LOCKBOARD_AUTH_MODE=proxy behind an authenticating proxy for shared use.`;
}

/**
 * The one start-up line of proxy mode: whom Lockboard believes. With plain headers, whoever can
 * connect to the listen address is whoever those headers say, in whatever groups they list, so only
 * the authenticating proxy may reach it, and the proxy must replace (or strip) them on every request.
 */
export function proxyTrustNotice(config: Pick<AppConfig, 'authMode' | 'authUserHeader' | 'authGroupsHeader' | 'authJwt' | 'listenHost'>): { level: 'warn' | 'info'; line: string } | null {
  if (config.authMode !== 'proxy') return null;
  if (config.authJwt) {
    return { level: 'info', line: `authMode "proxy": the caller is the signed token in the "${config.authJwt.header}" header (verified, ${config.authJwt.type}); listening on ${config.listenHost}.` };
  }
  return {
    level: 'warn',
    line: `authMode "proxy": trusting the "${config.authUserHeader}" (user) and "${config.authGroupsHeader}" (groups) headers of every request that reaches ${config.listenHost}; only the authenticating proxy may be able to connect, and it must strip both headers from clients' requests (docs/production.md).`,
  };
}

/** Validates the configuration at server start; a bad one stops the process with every problem listed. */
export function validateConfigOrExit(): void {
  try {
    const config = getConfig();
    logger.info('configuration loaded', { source: config.source, backends: config.backends.map((b) => b.id) });
    const warning = authWarning(config);
    if (warning) logger.warn(warning, { authMode: config.authMode, listenHost: config.listenHost });
    const trust = proxyTrustNotice(config);
    if (trust) logger[trust.level](trust.line, { authMode: config.authMode, listenHost: config.listenHost });
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
