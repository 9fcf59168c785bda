import type { EstateProblem, EstateRollup } from '@/lib/api/estate';
import { cn } from '@/lib/client/cn';
import { rollupSentence } from '@/lib/client/estate-words';

const SEVERE: ReadonlySet<EstateProblem> = new Set(['unreadable', 'stale_locks', 'digest_problems', 'versioning_off']);

/** The estate rolled up per problem ("3 of 50 accounts: versioning off"); each is a filter. */
export function EstateRollups({ rollups, accountCount, active, onPick }: { rollups: readonly EstateRollup[]; accountCount: number; active: EstateProblem | null; onPick: (problem: EstateProblem | null) => void }) {
  return (
    <ul aria-label="Across the estate" className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-4" data-testid="estate-rollups">
      {rollups.map((r) => {
        const on = active === r.problem;
        const tone = r.accounts === 0 && r.backends === 0 ? 'border-slate-200 bg-white text-slate-700' : SEVERE.has(r.problem) ? 'border-red-300 bg-red-50 text-red-900' : 'border-amber-300 bg-amber-50 text-amber-950';
        return (
          <li key={r.problem}>
            <button
              type="button"
              aria-pressed={on}
              data-problem={r.problem}
              onClick={() => onPick(on ? null : r.problem)}
              className={cn('w-full rounded-md border px-3 py-2 text-left text-sm hover:ring-2 hover:ring-slate-300', tone, on && 'ring-2 ring-slate-700')}
            >
              {rollupSentence(r, accountCount)}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
