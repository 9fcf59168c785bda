/**
 * The configuration check the start scripts run before Next starts (`npm start`: scripts/start.mjs;
 * the image: scripts/standalone-server.mjs). Next prints "Ready" before it runs instrumentation.ts,
 * so a bad configuration caught only there would show "Ready" and then die. The scripts load this
 * module as one bundled file (scripts/lib/config-check-bundle.mjs), so it imports config.ts alone.
 */
import { ConfigError, loadConfig } from './config';
import { signingStartupCheck } from './signing-config';

/** The one line a bad configuration prints (every problem, each naming its variable or JSON path). */
export function configErrorLine(error: ConfigError): string {
  return `Lockboard does not start: invalid configuration: ${error.problems.join('; ')}`.replace(/\s*\n\s*/g, ' ');
}

/** Null when the environment (and the file it names) is a valid configuration, else the line to print. */
export function configCheck(env: Record<string, string | undefined>): string | null {
  try {
    const config = loadConfig(env);
    // The signing key is required in proxy mode (issue 21 item 7).
    const signing = signingStartupCheck(config);
    return signing?.level === 'error' ? configErrorLine(new ConfigError([signing.message])) : null;
  } catch (e) {
    if (e instanceof ConfigError) return configErrorLine(e);
    throw e;
  }
}
