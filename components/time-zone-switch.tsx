'use client';
import { useSyncExternalStore } from 'react';
import { browserOffsetMinutes, formatOffset, type ZoneMode } from '@/lib/client/time-format';
import { setZoneMode, useZoneMode } from '@/lib/client/use-time';

const noSubscription = () => () => {};

/** The app-wide zone of absolute times: UTC (the default) or this browser's local time with its offset. */
export function TimeZoneSwitch() {
  const mode = useZoneMode();
  // The browser's offset is unknown on the server: named only once mounted, so hydration matches.
  const offset = useSyncExternalStore(noSubscription, () => formatOffset(browserOffsetMinutes(Date.now())), () => null);
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      Time zone
      <select
        value={mode}
        onChange={(e) => setZoneMode(e.target.value as ZoneMode)}
        data-testid="time-zone-switch"
        className="rounded border border-slate-300 bg-white px-1.5 py-0.5 text-sm text-slate-900"
      >
        <option value="utc">UTC</option>
        <option value="local">{offset ? `Local (${offset})` : 'Local'}</option>
      </select>
    </label>
  );
}
