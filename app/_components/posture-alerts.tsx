'use client';
import { useQueries } from '@tanstack/react-query';
import Link from 'next/link';
import { RESTORE_TEXT } from '@/components/posture-panel';
import type { PublicBackend } from '@/lib/api/backends';
import { postureQuery } from '@/lib/queries/inventory';

/** On the overviews: a backend where a restore is impossible or about to be, in plain words with the fix. */
export function PostureAlerts({ backends }: { backends: PublicBackend[] }) {
  const results = useQueries({ queries: backends.map((b) => postureQuery(b.id, false)) });
  return (
    <>
      {results.map((r, i) => {
        const p = r.data;
        if (!p || (p.restore !== 'impossible' && p.restore !== 'at_risk')) return null;
        const worst = p.findings.filter((f) => f.severity === 'critical' || f.severity === 'warning').slice(0, 2);
        return (
          <div key={backends[i]!.id} role="alert" data-testid="posture-alert" data-restore={p.restore} className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
            <p className="font-semibold">
              {RESTORE_TEXT[p.restore]} on backend “{backends[i]!.name}”
            </p>
            {worst.map((f) => (
              <p key={f.code}>
                {f.message} {f.fix ? <span className="font-mono text-xs">Fix: {f.fix}</span> : null}
              </p>
            ))}
            <Link href="/inventory" className="text-xs underline">
              Recovery posture
            </Link>
          </div>
        );
      })}
    </>
  );
}
