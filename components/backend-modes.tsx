'use client';
/**
 * One line saying how each backend is kept fresh (issue 24): live from events, polled, or polled
 * because event mode fell back (with the reason, in text, not only in a tooltip).
 */
import { useQuery } from '@tanstack/react-query';
import type { BackendMode } from '@/lib/api/backends';
import { backendsQuery } from '@/lib/queries/backends';
import { Badge } from './badge';

const WORDS: Record<BackendMode['mode'], { label: string; tone: 'green' | 'gray' | 'amber' }> = {
  events: { label: 'live (events)', tone: 'green' },
  polling: { label: 'polled', tone: 'gray' },
  fallback: { label: 'polled (events fell back)', tone: 'amber' },
};

export function BackendModes({ pollMs }: { pollMs: number }) {
  const { data } = useQuery(backendsQuery(pollMs));
  const backends = data?.backends ?? [];
  // Nothing to say while every backend is polled as configured (today's default).
  if (!backends.some((b) => b.mode.mode !== 'polling')) return null;
  return (
    <ul aria-label="How each backend is kept fresh" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" data-testid="backend-modes">
      {backends.map((b) => (
        <li key={b.id} className="flex min-w-0 max-w-full flex-wrap items-center gap-1">
          <span className="font-medium text-slate-800">{b.name}</span>
          <Badge tone={WORDS[b.mode.mode].tone} title={b.mode.reason}>
            {WORDS[b.mode.mode].label}
          </Badge>
          {b.mode.mode === 'fallback' ? <span className="min-w-0 text-amber-900 [overflow-wrap:anywhere]">{b.mode.reason}</span> : null}
        </li>
      ))}
    </ul>
  );
}
