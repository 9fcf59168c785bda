import 'server-only';
/**
 * Refused attempts, recorded best effort and bounded: each record is truncated (audit-bounds) and a
 * caller refused over and over is rate-limited per replica (refusal-throttle), past its quota only a
 * per-minute summary record is stored.
 */
import crypto from 'node:crypto';
import { toAppError } from '../server/errors';
import type { AppError } from '../api/errors';
import { formatUtcTime } from '../terraform/time-text';
import { boundRecord, REFUSAL_BOUNDS } from './audit-bounds';
import { locate, logLine, notifyListeners, withoutClient, write, type AuditInput, type Located } from './audit-log';
import { DEFAULT_REFUSAL_LIMITS, RefusalThrottle, refusalCaller, type RefusalLimits, type RefusalSummary } from './refusal-throttle';

let throttle = new RefusalThrottle();
let summaryTimer: ReturnType<typeof setInterval> | null = null;

/** Test hook: fresh rate-limit state, optionally with other limits. */
export function resetRefusalThrottleForTests(limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS): void {
  throttle = new RefusalThrottle(limits);
}

async function writeSummary(summary: RefusalSummary): Promise<void> {
  const input: AuditInput = { user: summary.caller, anonymous: summary.caller === '*' || summary.caller.startsWith('anonymous'), backend: summary.backend, key: summary.key, action: summary.action, reason: null, seen: null };
  const from = new Date(summary.windowStartMs).toISOString();
  const to = new Date(summary.windowEndMs).toISOString();
  const message = `${summary.suppressed} more refusals of ${summary.action} by ${summary.caller} between ${formatUtcTime(from)} and ${formatUtcTime(to)} (not stored one by one)`;
  const details = { suppressed: summary.suppressed, windowStart: from, windowEnd: to, lastKey: summary.key };
  await storeRefusal(input, 'refusals_summarised', message, details);
}

/** Writes the summaries of every ended window (called on each refusal and once a minute). */
export async function flushRefusalSummaries(nowMs = Date.now(), all = false): Promise<number> {
  const summaries = throttle.flush(nowMs, all);
  await Promise.all(summaries.map(writeSummary));
  return summaries.length;
}

function ensureSummaryTimer(): void {
  if (summaryTimer) return;
  summaryTimer = setInterval(() => void flushRefusalSummaries().catch(() => undefined), DEFAULT_REFUSAL_LIMITS.windowMs);
  summaryTimer.unref?.();
}

async function storeRefusal(input: AuditInput, code: string, message: string, details: Record<string, unknown> | null): Promise<void> {
  let located: Located;
  try {
    located = locate(input, Date.now(), 'refused');
  } catch {
    // Unknown backend: there is no bucket to store it in; the log line is the record.
    const rest = withoutClient(input);
    const now = new Date().toISOString();
    const record = boundRecord({ ...rest, id: crypto.randomUUID(), time: now, completedAt: now, outcome: 'refused', errorCode: code, errorMessage: message, details }, REFUSAL_BOUNDS);
    logLine('refused', record, { stored: false, storeError: 'unknown backend' });
    return;
  }
  located.record = { ...located.record, completedAt: located.record.time, outcome: 'refused', errorCode: code, errorMessage: message, details };
  try {
    await write(located);
    logLine('refused', located.record, { stored: true });
  } catch (e) {
    logLine('refused', located.record, { stored: false, storeError: toAppError(e, 'audit write failed', { phase: 'refused', id: located.record.id }).message });
  }
  notifyListeners(located.record);
}

/**
 * Records a refused attempt (auth, read-only, origin, validation, unknown backend), best effort: a
 * refusal changes nothing, so a failure to store it is logged, never raised. Bounded: the record's
 * fields are truncated (audit-bounds), and a caller refused over and over is rate-limited per replica
 * (refusal-throttle): past its quota only a per-minute summary record is stored.
 */
export async function recordRefusal(input: AuditInput, error: AppError): Promise<void> {
  ensureSummaryTimer();
  const { store, summaries } = throttle.admit(refusalCaller(input), input.action, input.backend, input.key, Date.now());
  await Promise.all(summaries.map(writeSummary));
  if (!store) return;
  await storeRefusal(input, error.code, error.message, input.client ? { client: input.client } : null);
}
