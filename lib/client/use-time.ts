'use client';
import { useCallback, useSyncExternalStore } from 'react';
import { formatAbsolute, formatRelative, type ZoneMode } from './time-format';

/**
 * Two tiny app-wide stores behind every time shown: the zone mode (the nav bar switch, kept in
 * localStorage) and a clock ticking once a second, shared by every ticking time on the page (one
 * interval, running only while something shows a relative time).
 *
 * Hydration: the server knows neither the browser's choice nor its clock, so server snapshots are
 * "UTC" and "no now"; React renders those while hydrating and switches to the browser's values right
 * after, without a mismatch.
 */

const ZONE_KEY = 'lockboard.timeZone';
const zoneListeners = new Set<() => void>();

function readZone(): ZoneMode {
  try {
    return window.localStorage.getItem(ZONE_KEY) === 'local' ? 'local' : 'utc';
  } catch {
    return 'utc'; // storage disabled: UTC, the default
  }
}

function subscribeZone(listener: () => void): () => void {
  zoneListeners.add(listener);
  // Another tab switching the zone switches this one too.
  const onStorage = (e: StorageEvent) => {
    if (e.key === ZONE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    zoneListeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function setZoneMode(mode: ZoneMode): void {
  try {
    window.localStorage.setItem(ZONE_KEY, mode);
  } catch {
    // Not stored (storage disabled); nothing to switch to then, as readZone cannot see it either.
  }
  for (const l of zoneListeners) l();
}

/** The zone absolute times are shown in: 'utc' on the server and until the browser's choice is read. */
export function useZoneMode(): ZoneMode {
  return useSyncExternalStore(subscribeZone, readZone, () => 'utc');
}

let now = Date.now();
let clock: ReturnType<typeof setInterval> | null = null;
const clockListeners = new Set<() => void>();

function subscribeClock(listener: () => void): () => void {
  clockListeners.add(listener);
  if (clock === null) {
    now = Date.now(); // React reads the snapshot again after subscribing: a stale one re-renders at once
    clock = setInterval(() => {
      now = Date.now();
      for (const l of clockListeners) l();
    }, 1000);
  }
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0 && clock !== null) {
      clearInterval(clock);
      clock = null;
    }
  };
}

/** Epoch ms of this browser's clock, updated once a second; null on the server and while hydrating. */
export function useNow(): number | null {
  return useSyncExternalStore(subscribeClock, () => now, () => null);
}

export interface TimeFormat {
  mode: ZoneMode;
  /** `2026-12-04 08:55:31 UTC` or `… UTC+01:00`, following the switch; `unknown` when unreadable. */
  absolute: (at: string | number | null | undefined) => string;
}

/** The absolute formatter of the current zone, for times inside sentences and strings. */
export function useTimeFormat(): TimeFormat {
  const mode = useZoneMode();
  const absolute = useCallback((at: string | number | null | undefined) => formatAbsolute(at, mode), [mode]);
  return { mode, absolute };
}

/** A relative text ticking with the shared clock; empty on the server and while hydrating. */
export function useRelative(at: string | number | null | undefined, opts: { pastOnly?: boolean } = {}): string | null {
  const current = useNow();
  return current === null ? null : formatRelative(at, current, opts);
}
