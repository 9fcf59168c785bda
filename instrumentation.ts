/**
 * Runs once when the server starts (Next.js calls `register` before serving any request): refuse to
 * start on a bad configuration, logging every problem; then start alerting. `onRequestError` puts what
 * Next.js itself caught (a page that failed to render, a route handler that threw past `handle`) in
 * the same structured log.
 */
import type { Instrumentation } from 'next';

export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { validateConfigOrExit } = await import('./lib/server/startup');
    validateConfigOrExit();
    // Audit records left `pending` by a server that died mid-mutation are completed as `interrupted`.
    const { startInterruptedSweep } = await import('./lib/jobs/audit-sweep');
    startInterruptedSweep();
    // Alerting watches its backends from start-up, with nobody viewing (no-op without channels).
    const { startAlerting } = await import('./lib/jobs/alerting/alerting');
    startAlerting();
    // Each backend's first inventory pass, in the background (indexOnStart), so search is ready early.
    const { startIndexing } = await import('./lib/jobs/indexer');
    startIndexing();
    // Opt-in: dead locks (their heartbeats stopped) released by Lockboard (no-op without a policy).
    const { startAutoRelease } = await import('./lib/jobs/auto-release');
    startAutoRelease();
    // Whether Lockboard's own records are out of reach of the Terraform roles (one line per backend).
    const { logRecordsProtection } = await import('./lib/services/records-protection');
    logRecordsProtection();
    // Discovery across accounts (no-op without a "discovery" block): decisions, then a first run.
    const { startDiscovery } = await import('./lib/jobs/discovery');
    startDiscovery();
    // Event mode (issue 24): backends with an `events` block follow S3 events and the table's stream.
    const { startEvents } = await import('./lib/jobs/events/events');
    startEvents();
  }
}

export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { logger } = await import('./lib/server/logger');
  // The path only, never the query string or headers (they may carry identities or tokens).
  logger.error('request error', { method: request.method, path: request.path.split('?')[0], route: context.routePath, routeType: context.routeType, error });
};
