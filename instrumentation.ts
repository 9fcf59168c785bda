/**
 * Runs once when the server starts (Next.js calls `register` before serving any request): refuse to
 * start on a bad configuration, printing every problem; then start alerting.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { validateConfigOrExit } = await import('./lib/server/startup');
    validateConfigOrExit();
    // Alerting watches its backends from start-up, with nobody viewing (no-op without channels).
    const { startAlerting } = await import('./lib/watch/alerting');
    startAlerting();
  }
}
