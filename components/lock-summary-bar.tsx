import type { CountCoverage, LockCounts, SummaryFilter } from '@/lib/client/lock-summary';
import { cn } from '@/lib/client/cn';

export type { SummaryFilter };

const plural = (n: number | null, one: string, many: string) => (n === 1 ? one : many);

/**
 * "6 locks · 1 stale · 1 frozen · 1 split · 1 malformed", each count a filter, and the stale threshold. The
 * counts are of what was read: with no backend read they are "—", and a backend not read (fully) is
 * named as unknown, never counted as having no locks.
 */
export function LockSummaryBar({
  counts,
  coverage,
  staleAfterMinutes,
  active,
  onFilter,
}: {
  counts: LockCounts;
  coverage: CountCoverage;
  staleAfterMinutes: number;
  active: SummaryFilter;
  onFilter: (filter: SummaryFilter) => void;
}) {
  const n = (count: number) => (coverage.nothingRead ? null : count);
  const items: Array<{ filter: SummaryFilter; count: number | null; words: string; tone: string }> = [
    { filter: 'all', count: n(counts.total), words: plural(n(counts.total), 'lock', 'locks'), tone: 'text-slate-900' },
    { filter: 'stale', count: n(counts.stale), words: 'stale', tone: counts.stale > 0 ? 'text-amber-900' : 'text-slate-700' },
    { filter: 'frozen', count: n(counts.frozen), words: 'frozen', tone: counts.frozen > 0 ? 'text-sky-800' : 'text-slate-700' },
    { filter: 'split_lock', count: n(counts.split), words: 'split', tone: counts.split > 0 ? 'text-red-800' : 'text-slate-700' },
    { filter: 'malformed_info', count: n(counts.malformed), words: 'malformed', tone: counts.malformed > 0 ? 'text-red-800' : 'text-slate-700' },
  ];
  return (
    <div data-testid="lock-summary" className="flex flex-wrap items-center gap-x-1 gap-y-1 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm">
      {coverage.unknown.length > 0 && !coverage.nothingRead ? <span className="mr-1 text-slate-600">In what could be read:</span> : null}
      <ul className="flex flex-wrap items-center" aria-label="Lock counts (each filters the list)">
        {items.map((item, i) => (
          <li key={item.filter} className="flex items-center">
            {i > 0 ? (
              <span aria-hidden className="px-1 text-slate-400">
                ·
              </span>
            ) : null}
            <button
              type="button"
              aria-pressed={active === item.filter}
              onClick={() => onFilter(active === item.filter && item.filter !== 'all' ? 'all' : item.filter)}
              className={cn('rounded px-1.5 py-0.5 hover:bg-slate-100', item.tone, active === item.filter && 'bg-slate-200 font-semibold ring-1 ring-inset ring-slate-400')}
            >
              <span className="font-semibold tabular-nums">{item.count ?? '—'}</span> {item.words}
            </button>
          </li>
        ))}
      </ul>
      {coverage.unknown.length > 0 ? (
        <span data-testid="lock-summary-unknown" className="text-amber-900">
          · {coverage.unknown.join(', ')}: unknown (not read fully)
        </span>
      ) : null}
      {coverage.lastKnown.length > 0 ? <span data-testid="lock-summary-last-known" className="text-slate-600">· {coverage.lastKnown.join(', ')}: last known</span> : null}
      <span className="ml-auto text-xs text-slate-600" data-testid="stale-threshold">
        stale after {staleAfterMinutes} min
      </span>
    </div>
  );
}
