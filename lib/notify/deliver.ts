import 'server-only';
/**
 * Sends one event to one channel: a bounded timeout per attempt, retries with exponential back-off
 * (not after a 4xx other than 408/429, nor after SNS AccessDenied or NotFound: the receiver said no),
 * and a clear outcome. Never throws.
 */
import type { LockboardEvent } from '../api/alerts';
import { AppError } from '../api/errors';
import { publishToTopic } from '../aws/sns';
import type { ChannelConfig } from '../server/config';
import { slackPayload, snsMessage, webhookBody, webhookHeaders } from './format';

export interface SendResult {
  ok: boolean;
  attempts: number;
  /** HTTP status, SNS MessageId or the error, for the Alerts page. */
  detail: string;
}

const BACKOFF_MS = 500;
const MAX_DETAIL = 300;

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ ok: boolean; retry: boolean; detail: string }> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return { ok: true, retry: false, detail: `HTTP ${res.status}` };
    const retry = res.status >= 500 || res.status === 408 || res.status === 429;
    return { ok: false, retry, detail: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const reason = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${err.cause?.code ?? err.name}: ${err.message}`;
    return { ok: false, retry: true, detail: reason };
  }
}

async function attempt(channel: ChannelConfig, event: LockboardEvent): Promise<{ ok: boolean; retry: boolean; detail: string }> {
  if (channel.type === 'webhook') {
    const body = webhookBody(event);
    return post(channel.url, webhookHeaders(channel.secret, event, body), body, channel.timeoutMs);
  }
  if (channel.type === 'slack') return post(channel.url, { 'content-type': 'application/json' }, JSON.stringify(slackPayload(event)), channel.timeoutMs);
  try {
    const id = await publishToTopic(channel, snsMessage(event), channel.timeoutMs);
    return { ok: true, retry: false, detail: `MessageId ${id}` };
  } catch (e) {
    // Denied by IAM (or the topic's KMS key) or no such topic: SNS said no, a retry gets the same answer.
    const refused = e instanceof AppError && (e.code === 'aws_access_denied' || (e.code === 'aws_error' && /^NotFound/.test(String(e.details.awsError))));
    return { ok: false, retry: !refused, detail: e instanceof Error ? e.message : String(e) };
  }
}

export async function sendToChannel(channel: ChannelConfig, event: LockboardEvent, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<SendResult> {
  let last = { ok: false, retry: true, detail: 'not attempted' };
  let attempts = 0;
  for (let i = 0; i <= channel.retries; i++) {
    if (i > 0) await sleep(BACKOFF_MS * 2 ** (i - 1));
    attempts++;
    last = await attempt(channel, event);
    if (last.ok || !last.retry) break;
  }
  return { ok: last.ok, attempts, detail: last.detail.slice(0, MAX_DETAIL) };
}
