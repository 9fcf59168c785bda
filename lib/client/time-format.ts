/**
 * Time text of the browser: an instant as relative ("3 h 12 min ago", "in 5 min") and absolute with
 * an explicit zone, UTC (`2026-12-04 08:55:31 UTC`) or the browser's local time with its offset at
 * that instant (`2026-12-04 09:55:31 UTC+01:00`). Pure: `now` and the local offset are parameters.
 */
import { instantMs, UNKNOWN_TIME, wallClock } from '@/lib/terraform/time-text';

export { formatUtcTime, instantMs, UNKNOWN_TIME } from '@/lib/terraform/time-text';

/** Which zone absolute times are shown in (the nav bar switch; UTC until the browser says otherwise). */
export type ZoneMode = 'utc' | 'local';

/** Minutes east of UTC of the browser's zone at an instant (DST makes it depend on the instant). */
export function browserOffsetMinutes(ms: number): number {
  // getTimezoneOffset is minutes *west* of UTC; `|| 0` turns -0 into 0.
  return -new Date(ms).getTimezoneOffset() || 0;
}

/** `UTC+01:00`, `UTC-05:30`, `UTC+00:00` (a local zone at UTC still says it is the local one). */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(offsetMinutes));
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The absolute time of an instant in the chosen zone, or `unknown`. */
export function formatAbsolute(at: string | number | null | undefined, mode: ZoneMode, offsetOf: (ms: number) => number = browserOffsetMinutes): string {
  const ms = instantMs(at);
  if (ms === null) return UNKNOWN_TIME;
  if (mode === 'utc') return `${wallClock(ms, 0)} UTC`;
  const offset = offsetOf(ms);
  return `${wallClock(ms, offset)} ${formatOffset(offset)}`;
}

/** A duration in words at the precision that matters: `42 s`, `7 min`, `3 h 12 min`, `4 d 2 h`. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/**
 * `3 h 12 min ago`, `in 5 min`, `just now` (under a second either way), or `unknown`. With
 * `pastOnly` a time slightly ahead of this browser's clock (a server read time, clocks a little apart)
 * is `just now` instead of `in 2 s`.
 */
export function formatRelative(at: string | number | null | undefined, nowMs: number, opts: { pastOnly?: boolean } = {}): string {
  const ms = instantMs(at);
  if (ms === null || !Number.isFinite(nowMs)) return UNKNOWN_TIME;
  const diff = nowMs - ms;
  if (Math.abs(diff) < 1000 || (opts.pastOnly && diff < 0)) return 'just now';
  return diff > 0 ? `${formatDuration(diff / 1000)} ago` : `in ${formatDuration(-diff / 1000)}`;
}

/** The canonical value of a `<time dateTime>` (milliseconds, UTC), or null for an unknown instant. */
export function machineTime(at: string | number | null | undefined): string | null {
  const ms = instantMs(at);
  return ms === null ? null : new Date(ms).toISOString();
}
