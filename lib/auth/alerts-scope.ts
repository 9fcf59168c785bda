/**
 * The Alerts page and `GET /api/alerts` as one caller may see them: events of the backends they may
 * view, the delivery attempts of those events, and the channels that cover one of those backends.
 * Alerting itself (lib/jobs) keeps one overview per replica; this only filters it.
 */
import type { AlertsOverview } from '../api/alerts';
import type { ChannelConfig } from '../server/config';
import type { ViewScope } from './view-scope';

export function alertsOverviewFor(overview: AlertsOverview, scope: ViewScope, channels: ReadonlyArray<Pick<ChannelConfig, 'name' | 'backends'>>, allBackendIds: readonly string[]): AlertsOverview {
  if (scope.all) return overview;
  const events = overview.events.filter((e) => scope.canView(e.backend.id));
  const shown = new Set(events.map((e) => e.id));
  // An attempt whose event is no longer remembered cannot be placed: it is left out.
  const attempts = overview.attempts.filter((a) => shown.has(a.eventId));
  const covers = new Map(channels.map((c) => [c.name, c.backends ?? allBackendIds]));
  const visibleChannels = overview.channels.filter((c) => (covers.get(c.name) ?? []).some((id) => scope.canView(id)));
  return { ...overview, channels: visibleChannels, events, attempts };
}
