import { ConfigError, getConfig } from './config';

/** Validates the configuration at server start; a bad one stops the process with every problem listed. */
export function validateConfigOrExit(): void {
  try {
    const config = getConfig();
    console.log(`[lockboard] configuration from ${config.source}: backends ${config.backends.map((b) => b.id).join(', ')}`);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
