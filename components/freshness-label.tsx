'use client';
import { useEffect, useState } from 'react';

export interface FreshnessSource {
  /** The server's `fetchedAt` of the listing shown (when the backend was read), if any. */
  fetchedAt: string | null;
  /** The latest refresh failed: what is shown (if anything) is the last listing that could be read. */
  failed: boolean;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

/**
 * "As of 4 s ago": the age of the oldest listing on the page, from the server's read time, ticking
 * every second. When a backend cannot be read now, says so and shows when its listing was read.
 */
export function FreshnessLabel({ sources, refreshing, pollMs }: { sources: FreshnessSource[]; refreshing: boolean; pollMs: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const times = sources.flatMap((s) => (s.fetchedAt ? [Date.parse(s.fetchedAt)] : [])).filter(Number.isFinite);
  const stale = sources.filter((s) => s.failed && s.fetchedAt);
  if (times.length === 0) return <>{sources.some((s) => s.failed) ? 'Cannot read the backend' : 'Loading…'}</>;
  const oldest = Math.min(...times);
  return (
    <>
      <span data-testid="freshness">As of {ago(now - oldest)}</span>
      {refreshing ? ' · refreshing…' : ''} · every {Math.round(pollMs / 1000)} s
      {stale.length > 0 ? (
        <span className="ml-2 rounded bg-amber-100 px-1 font-medium text-amber-900" data-testid="freshness-stale">
          Stale: a backend cannot be read now; its last listing is from {ago(now - Math.min(...stale.map((s) => Date.parse(s.fetchedAt!))))}
        </span>
      ) : null}
    </>
  );
}
