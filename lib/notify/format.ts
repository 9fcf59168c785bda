/**
 * What each channel sends, and which events a channel wants. Pure (no I/O), unit-tested.
 *
 * Every channel gets the event without control and bidi characters (a lock's Who, a reason or a key
 * is someone else's text: lib/terraform/safe-text.ts), and Slack every text, the fallback `text`
 * included, with `&`, `<` and `>` escaped (else `<!channel>` or a link in a Who reaches the channel).
 */
import crypto from 'node:crypto';
import type { LockboardEvent } from '../api/alerts';
import { globMatches } from '../api/key-globs';
import { oneLine, stripControlsDeep } from '../terraform/safe-text';
import { formatUtcTime, instantMs } from '../terraform/time-text';

export interface ChannelFilter {
  events: string[];
  backends: string[] | null;
  keys: string[] | null;
}

/** Whether a channel wants this event (test messages go to whichever channel they are sent to). */
export function channelWants(filter: ChannelFilter, event: LockboardEvent): boolean {
  if (event.type === 'test') return true;
  if (!filter.events.includes(event.type)) return false;
  if (filter.backends && !filter.backends.includes(event.backend.id)) return false;
  if (filter.keys) {
    if (event.key === null) return false;
    const key = event.key;
    // Key globs read as the access rules read them (`*` within a segment, `**` across).
    if (!filter.keys.some((g) => globMatches(g, key))) return false;
  }
  return true;
}

/** The webhook body: the event as JSON (control and bidi characters removed), exactly the bytes that are signed. */
export function webhookBody(event: LockboardEvent): string {
  return JSON.stringify({ ...stripControlsDeep(event), source: 'lockboard' });
}

/** `sha256=<hex HMAC-SHA256 of the body>` (GitHub's convention), for X-Lockboard-Signature-256. */
export function signature(secret: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Constant-time check of a signature header (what a receiver does). */
export function verifySignature(secret: string, body: string, header: string | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(signature(secret, body));
  const got = Buffer.from(header);
  return expected.length === got.length && crypto.timingSafeEqual(expected, got);
}

export function webhookHeaders(secret: string, event: LockboardEvent, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Lockboard-Hookshot',
    'x-lockboard-event': event.type,
    'x-lockboard-delivery': event.id,
    'x-lockboard-signature-256': signature(secret, body),
  };
}

/** Slack mrkdwn: escape the three characters Slack treats as control. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const TITLES: Record<LockboardEvent['type'], string> = {
  'lock.stale': ':hourglass: Stale Terraform lock',
  'lock.released': ':unlock: Stale lock released',
  'lock.split': ':warning: Split Terraform lock',
  'lock.malformed': ':warning: Malformed Terraform lock',
  'lock.dead': ':skull: Lock holder is dead',
  'lock.auto_released': ':unlock: Dead lock released by Lockboard',
  'digest.mismatch': ':x: State digest mismatch',
  mutation: ':wrench: Lockboard change',
  download: ':inbox_tray: Raw state download',
  test: ':bell: Lockboard test message',
};

/** A Slack incoming-webhook payload (Block Kit): who, how long, what, link, command; times in readable UTC. */
export function slackPayload(raw: LockboardEvent): Record<string, unknown> {
  const event = stripControlsDeep(raw);
  const fields: string[] = [`*Backend*\n${esc(event.backend.name)} (\`${esc(event.backend.id)}\`)`];
  if (event.key) fields.push(`*State*\n\`${esc(event.key)}\``);
  if (event.workspace) fields.push(`*Workspace*\n${esc(event.workspace)}`);
  if (event.lock) {
    fields.push(`*Held by*\n${esc(event.lock.who || 'unknown')}`);
    fields.push(`*Operation*\n${esc(event.lock.operation || 'unknown')}`);
    if (event.lock.ageSeconds !== null) fields.push(`*Held for*\n${Math.round(event.lock.ageSeconds / 60)} min`);
    // Terraform's Created has nanoseconds: shown in the one readable UTC form, never raw.
    if (instantMs(event.lock.created) !== null) fields.push(`*Held since*\n${formatUtcTime(event.lock.created)}`);
  }
  if (event.liveness?.lastHeartbeat) fields.push(`*Last heartbeat*\n${formatUtcTime(event.liveness.lastHeartbeat)}`);
  if (event.liveness?.holder) fields.push(`*Process*\n${esc(event.liveness.holder.host)} pid ${event.liveness.holder.pid}`);
  if (event.mutation) fields.push(`*By*\n${esc(event.mutation.actor)}`, `*Outcome*\n${esc(event.mutation.outcome)}`);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: TITLES[event.type].replace(/:[a-z_]+: /, ''), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `${TITLES[event.type].split(' ')[0]} ${esc(event.summary)}` } },
    { type: 'section', fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn', text })) },
  ];
  if (event.forceUnlock) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `If the holder is gone:\n\`\`\`${esc(event.forceUnlock)}\`\`\`` } });
  if (event.link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Lockboard' }, url: event.link }] });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `noticed ${formatUtcTime(event.at)} · event \`${esc(event.id)}\`` }] });
  // The fallback text (notifications, clients without blocks) is mrkdwn too: escaped like the rest.
  return { text: esc(event.summary), blocks };
}

/** SNS message: the JSON event, with attributes for subscription filter policies. */
export function snsMessage(raw: LockboardEvent): { subject: string; body: string; attributes: Record<string, string> } {
  const event = stripControlsDeep(raw);
  const attributes: Record<string, string> = { event: event.type, backend: event.backend.id, eventId: event.id };
  if (event.key) attributes.key = event.key.slice(0, 1024);
  if (event.workspace) attributes.workspace = event.workspace;
  return { subject: oneLine(`Lockboard: ${event.summary}`).slice(0, 99), body: webhookBody(event), attributes };
}
