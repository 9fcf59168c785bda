/**
 * Alerts as one caller may see and use them. The Alerts page and `GET /api/alerts`: events of the
 * backends they may view, the delivery attempts of those events, and the channels that cover one of
 * those backends (alerting keeps one overview per replica; this only filters it). A test message: to
 * a channel that covers a backend where the caller is an operator.
 */
import type { AlertsOverview } from '../api/alerts';
import { discoveredBeside } from '../server/backends';
import { AppError } from '../api/errors';
import type { AppConfig, ChannelConfig } from '../server/config';
import { isAllowed, type Identity } from './identity';
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

/** 403 unless the caller is an operator on some backend this channel covers (every backend when it names none). */
export function assertMayTestChannel(identity: Identity, channel: Pick<ChannelConfig, 'name' | 'backends'>, config: Pick<AppConfig, 'backends' | 'authMode' | 'operators' | 'readOnly' | 'defaultRole' | 'accessRules' | 'authUserHeader'>): void {
  const covered = channel.backends ?? [...config.backends, ...discoveredBeside(config.backends)].map((b) => b.id);
  if (covered.some((id) => isAllowed(identity, 'operator', id, null, config))) return;
  throw new AppError('forbidden', `User "${identity.user}" may not send a test message to channel "${channel.name}": that needs the operator role on a backend it covers (${covered.join(', ')}).`, { reason: 'not_allowed', role: 'operator' });
}
