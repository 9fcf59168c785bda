'use client';
import { machineTime } from '@/lib/client/time-format';
import { useRelative, useTimeFormat } from '@/lib/client/use-time';

/**
 * An instant as every screen shows it: `2026-12-04 08:55:31 UTC (3 h 12 min ago)`, in the zone of the
 * nav bar switch, the relative part ticking (one shared clock). `show="absolute"` leaves the relative
 * part out where an age is already shown beside it. An unreadable or absent instant is `unknown`.
 * `stacked` puts the relative part on its own line (narrow table cells).
 * `pastOnly`: a server read time a little ahead of this browser's clock is "just now", not "in 2 s".
 */
export function TimeText({ at, show = 'both', pastOnly = false, stacked = false, className }: { at: string | number | null | undefined; show?: 'both' | 'absolute'; pastOnly?: boolean; stacked?: boolean; className?: string }) {
  const { absolute } = useTimeFormat();
  const relative = useRelative(show === 'both' ? at : null, { pastOnly });
  const dateTime = machineTime(at);
  if (dateTime === null) return <span className={className}>unknown</span>;
  return (
    <time dateTime={dateTime} className={className} data-testid="time-text">
      {absolute(at)}
      {show === 'both' && relative ? stacked ? <span className="block text-slate-600">{relative}</span> : ` (${relative})` : null}
    </time>
  );
}
