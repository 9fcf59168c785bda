/**
 * Instants as people read them, the same on the server (messages, notifications) and in the browser.
 * Pure. One absolute form everywhere: `2026-12-04 08:55:31 UTC` — whole seconds, the zone always
 * written, never Terraform's nanoseconds nor an ISO `T…Z` in prose. The browser's zone switch
 * (lib/client/time-format.ts) adds the local form `2026-12-04 09:55:31 UTC+01:00`.
 */
import { parseRfc3339 } from './lock-info';

/** What is shown for an absent or unreadable instant (never "Invalid Date"). */
export const UNKNOWN_TIME = 'unknown';

/** This module's own absolute form (`… UTC`, `… UTC+01:00`), read back where it was stored as text. */
const READABLE = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC([+-]\d{2}:\d{2})?$/;

/**
 * Epoch milliseconds of an instant, or null: epoch ms as a number, an RFC 3339 string with any
 * fraction length (Terraform's `Created` has nanoseconds, which `Date.parse` may reject) and Z or an
 * offset, or this module's readable form. Other strings are null rather than guessed
 * (`Date.parse('12')` is a date in 2001).
 */
export function instantMs(at: string | number | null | undefined): number | null {
  if (typeof at === 'number') return Number.isFinite(at) && Math.abs(at) <= 8.64e15 ? at : null;
  if (typeof at !== 'string' || at.trim() === '') return null;
  const readable = READABLE.exec(at.trim());
  const t = parseRfc3339(readable ? `${readable[1]}${readable[2] ?? 'Z'}` : at.trim());
  return t === null || Number.isNaN(new Date(t).getTime()) ? null : t;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `YYYY-MM-DD HH:MM:SS` of an instant shifted by `offsetMinutes` east of UTC (the fraction of a
 * second is dropped, not rounded: a lock created at :31.9 was not yet there at :32).
 */
export function wallClock(ms: number, offsetMinutes: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `2026-12-04 08:55:31 UTC`, or `unknown`: the form every server-written message uses. */
export function formatUtcTime(at: string | number | null | undefined): string {
  const ms = instantMs(at);
  return ms === null ? UNKNOWN_TIME : `${wallClock(ms, 0)} UTC`;
}
