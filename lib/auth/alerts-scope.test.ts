import { describe, expect, it } from 'vitest';
import type { AlertsOverview, ChannelStatus, DeliveryAttempt, LockboardEvent } from '../api/alerts';
import { alertsOverviewFor } from './alerts-scope';
import { VIEW_EVERYTHING, VIEW_NOTHING } from './view-scope';

const event = (id: string, backend: string): LockboardEvent => ({ id, type: 'lock.stale', at: '2026-01-01T00:00:00Z', backend: { id: backend, name: backend }, key: 'k', workspace: null, summary: `${backend} lock`, link: null });
const attempt = (eventId: string, channel: string): DeliveryAttempt => ({ eventId, eventType: 'lock.stale', channel, at: '2026-01-01T00:00:00Z', outcome: 'delivered', attempts: 1, detail: null });
const channel = (name: string): ChannelStatus => ({ name, type: 'webhook', lastOutcome: null, lastAt: null, lastDetail: null, delivered: 0, failed: 0 });

const overview: AlertsOverview = {
  enabled: true,
  channels: [channel('all'), channel('prod-only'), channel('dev-only')],
  events: [event('e1', 'prod'), event('e2', 'dev')],
  attempts: [attempt('e1', 'all'), attempt('e2', 'all'), attempt('gone', 'all')],
};
const channels = [
  { name: 'all', backends: null },
  { name: 'prod-only', backends: ['prod'] },
  { name: 'dev-only', backends: ['dev'] },
];

describe('alertsOverviewFor', () => {
  it('keeps the events, attempts and channels of the backends the caller may view', () => {
    const devOnly = alertsOverviewFor(overview, { canView: (id) => id === 'dev', all: false }, channels, ['prod', 'dev']);
    expect(devOnly.events.map((e) => e.id)).toEqual(['e2']);
    // An attempt whose event is no longer remembered cannot be placed, so it is not shown.
    expect(devOnly.attempts.map((a) => a.eventId)).toEqual(['e2']);
    expect(devOnly.channels.map((c) => c.name)).toEqual(['all', 'dev-only']);
    expect(devOnly.enabled).toBe(true);
  });

  it('everything for a caller who views every backend, nothing for one who views none', () => {
    expect(alertsOverviewFor(overview, VIEW_EVERYTHING, channels, ['prod', 'dev'])).toBe(overview);
    expect(alertsOverviewFor(overview, VIEW_NOTHING, channels, ['prod', 'dev'])).toMatchObject({ events: [], attempts: [], channels: [] });
  });
});
