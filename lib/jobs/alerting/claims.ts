import 'server-only';
/**
 * Claim and deliver one event (exactly once across replicas): the claim is an object in the
 * backend's bucket written with If-None-Match; only its winner sends, then records each channel's
 * outcome on it with a write conditional on its ETag. See alerting.ts for the lifecycle.
 */
import type { LockboardEvent } from '../../api/alerts';
import { AppError } from '../../api/errors';
import { readClaim, writeClaim } from '../../aws/event-claims';
import type { BackendConfig, ChannelConfig } from '../../server/config';
import { logger } from '../../server/logger';
import { sendToChannel } from '../../notify/deliver';
import { SWEEP_MS, channelsFor, followUp, record, remember, settle, state, type ClaimBody, type PendingOutcome } from './alert-state';

/** How long a `claimed` claim is left to its winner before another replica may take it over. */
export function leaseMs(channels: ChannelConfig[]): number {
  const worst = Math.max(0, ...channels.map((c) => c.timeoutMs * (c.retries + 1) + 500 * (2 ** c.retries - 1)));
  return worst + timing.extraLeaseMs;
}

/** Tests shorten these. */
const timing = { retryBaseMs: 30_000, extraLeaseMs: 10_000 };

export function setAlertTimingForTests(t: Partial<typeof timing>): void {
  Object.assign(timing, t);
}

export function retryDelayMs(tries: number): number {
  return Math.min(timing.retryBaseMs * 2 ** Math.max(0, tries - 1), 30 * 60_000);
}
function parseClaim(text: string): ClaimBody | null {
  try {
    const body = JSON.parse(text) as ClaimBody;
    return typeof body === 'object' && body !== null && ['claimed', 'done', 'retry'].includes(body.state) && typeof body.claimedAt === 'string' && typeof body.tries === 'number' && typeof body.deliveries === 'object' && body.deliveries !== null ? body : null;
  } catch {
    return null;
  }
}

/** Claims (or takes over) the event, and delivers it if this replica won. Never throws. */
export async function processEvent(backend: BackendConfig, event: LockboardEvent): Promise<void> {
  const st = state();
  if (st.settled.has(event.id) || st.inProgress.has(event.id) || st.pendingOutcomes.has(event.id)) return;
  const channels = channelsFor(event);
  if (channels.length === 0) {
    settle(event.id);
    return;
  }
  remember(event);
  st.inProgress.add(event.id);
  try {
    await claimAndDeliver(backend, event, channels);
  } catch (e) {
    logger.error('alert processing failed', { error: e });
  } finally {
    st.inProgress.delete(event.id);
  }
}

async function claimAndDeliver(backend: BackendConfig, event: LockboardEvent, channels: ChannelConfig[]): Promise<void> {
  const st = state();
  const now = Date.now();
  const fresh: ClaimBody = { eventId: event.id, type: event.type, summary: event.summary.slice(0, 500), state: 'claimed', claimedBy: st.replica, claimedAt: new Date(now).toISOString(), retryAt: null, tries: 1, deliveries: {} };
  let claim: { body: ClaimBody; etag: string };
  try {
    const won = await claimEvent(backend, event, channels, fresh, now);
    if (!won) return;
    claim = won;
  } catch (e) {
    const detail = `claim write failed: ${e instanceof AppError ? e.message : String(e)}`;
    for (const c of channels) record(event, c, 'claim_failed', 0, detail);
    followUp(backend.id, event, now + retryDelayMs(1));
    return;
  }

  // Won: deliver to every channel not yet delivered (a takeover keeps earlier successes).
  const results = await Promise.all(
    channels
      .filter((c) => claim.body.deliveries[c.name]?.outcome !== 'delivered')
      .map(async (c) => {
        const result = await sendToChannel(c, event);
        record(event, c, result.ok ? 'delivered' : 'failed', result.attempts, result.detail);
        return { channel: c, result };
      }),
  );
  const deliveries = { ...claim.body.deliveries };
  for (const { channel, result } of results) deliveries[channel.name] = { outcome: result.ok ? 'delivered' : 'failed', attempts: result.attempts, at: new Date().toISOString(), detail: result.detail };
  const allDone = channels.every((c) => deliveries[c.name]?.outcome === 'delivered');
  const retryAt = allDone ? null : new Date(Date.now() + retryDelayMs(claim.body.tries)).toISOString();
  const outcome: ClaimBody = { ...claim.body, state: allDone ? 'done' : 'retry', retryAt, deliveries };
  await writeOutcome({ backend, event, body: outcome, etag: claim.etag, giveUpAt: Date.parse(claim.body.claimedAt) + leaseMs(channels) });
}

/**
 * Creates the claim, or takes over an existing one that is due (or not Lockboard's). Returns the won
 * claim, or null when this replica must not send now (done elsewhere, or another replica holds it).
 */
async function claimEvent(backend: BackendConfig, event: LockboardEvent, channels: ChannelConfig[], fresh: ClaimBody, now: number): Promise<{ body: ClaimBody; etag: string } | null> {
  const st = state();
  const created = await writeClaim(backend, event.id, JSON.stringify(fresh), { ifNoneMatch: true });
  if (created.won) return { body: fresh, etag: created.etag };
  const existing = await readClaim(backend, event.id);
  if (!existing) {
    followUp(backend.id, event, now + SWEEP_MS);
    return null;
  }
  const body = existing.status === 'ours' ? parseClaim(existing.body) : null;
  if (!body) {
    // Not Lockboard's (planted, altered, too large) or unreadable: nothing in it is trusted, not even
    // "done" or earlier deliveries. Taken over at once, conditional on what was read, so one replica wins.
    logger.warn('alert claim not written by Lockboard: taken over', { event: event.id, detail: existing.status === 'foreign' ? existing.reason : 'not a claim' });
    const taken = await writeClaim(backend, event.id, JSON.stringify(fresh), { ifMatch: existing.etag });
    if (taken.won) return { body: fresh, etag: taken.etag };
    followUp(backend.id, event, now + SWEEP_MS);
    return null;
  }
  // Exactly the claim just written: the first attempt succeeded but its answer was lost, and the
  // SDK's retry met the object it had created. Won, not someone else's.
  if (body.state === 'claimed' && body.claimedBy === st.replica && body.claimedAt === fresh.claimedAt) return { body, etag: existing.etag };
  if (body.state === 'done') {
    settle(event.id);
    if (!st.attempts.some((a) => a.eventId === event.id)) for (const c of channels) record(event, c, 'claimed_elsewhere', 0, `delivered by replica ${body.claimedBy}`);
    return null;
  }
  const dueAt = body.state === 'retry' ? Date.parse(body.retryAt ?? '') || now : Date.parse(body.claimedAt) + leaseMs(channels);
  if (dueAt > now) {
    followUp(backend.id, event, dueAt);
    return null;
  }
  const takeover: ClaimBody = { ...body, state: 'claimed', claimedBy: st.replica, claimedAt: new Date(now).toISOString(), retryAt: null, tries: body.tries + 1 };
  const taken = await writeClaim(backend, event.id, JSON.stringify(takeover), { ifMatch: existing.etag });
  if (!taken.won) {
    followUp(backend.id, event, now + leaseMs(channels));
    return null;
  }
  return { body: takeover, etag: taken.etag };
}

/**
 * Records the deliveries on the won claim. A refused or failed write is kept and written again at the
 * next sweeps while the lease lasts: a claim left `claimed` would be taken over by another replica
 * after the lease, and the event sent again.
 */
export async function writeOutcome(p: PendingOutcome): Promise<void> {
  const st = state();
  st.pendingOutcomes.delete(p.event.id);
  try {
    const written = await writeClaim(p.backend, p.event.id, JSON.stringify(p.body), { ifMatch: p.etag });
    if (!written.won) logger.error('alert claim changed', { event: p.event.id, detail: 'the claim changed while this replica delivered (lease too short?)' });
  } catch (e) {
    if (Date.now() + SWEEP_MS < p.giveUpAt) {
      st.pendingOutcomes.set(p.event.id, p);
      logger.warn('alert claim update failed', { event: p.event.id, error: e, detail: 'written again at the next sweep' });
      return;
    }
    logger.error('alert claim update failed', { event: p.event.id, error: e, detail: 'the lease ends: another replica may take the claim over and send the event again' });
  }
  if (p.body.state === 'done') settle(p.event.id);
  else followUp(p.backend.id, p.event, Date.parse(p.body.retryAt!));
}
