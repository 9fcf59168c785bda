/**
 * Runs once when the server starts (Next.js calls `register` before serving any request): refuse to
 * start on a bad configuration, printing every problem.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { validateConfigOrExit } = await import('./lib/server/startup');
    validateConfigOrExit();
  }
}
