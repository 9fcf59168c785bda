/**
 * Runs once when the server starts: validate the configuration and refuse to start on a bad one,
 * printing every problem (Next.js calls `register` before serving any request).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getConfig, ConfigError } = await import('./lib/config');
  try {
    const config = getConfig();
    console.log(`[lockboard] configuration from ${config.source}: ${config.backends.map((b) => b.id).join(', ')}`);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
