import { Badge } from './badge';
import { CopyButton } from './copy-button';
import { formatAge } from '@/lib/client/format';
import { memo, type ReactNode } from 'react';
import { cn } from '@/lib/client/cn';
import { ageNow } from '@/lib/client/lock-age';
import { useNow } from '@/lib/client/use-time';
import type { WindowRows } from '@/lib/client/use-window-rows';
import { cliUnlockCommand, lockSourceLabel, versionWords, type ListedLock } from '@/lib/client/lock-words';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import { LastKnown } from './last-known';
import { LinkedText } from './linked-text';
import { PathText } from './path-text';
import { TimeText } from './time-text';
import { LockBadges, LockProblems, OperationText } from './lock-details';

export interface LockRow extends ListedLock {
  /** When the browser received the lock (it is aged from then: lib/client/lock-age.ts). */
  receivedAt?: number;
  /** Lower-cased text the filter searches (path, holder, operation, ID, version, workspace, Info), built once. */
  search: string;
  /** `backendId|path|sources`: the row's identity. */
  uid: string;
  backendId: string;
  backendName: string;
  /** Set when the backend's last read failed: the server's read time of this row (last known, not current). */
  lastKnown: string | null;
}

export type LockSortKey = 'path' | 'who' | 'operation' | 'age' | 'backend';

const COLUMNS: Array<{ key: LockSortKey | null; label: string }> = [
  { key: 'path', label: 'State path' },
  { key: 'backend', label: 'Backend' },
  { key: null, label: 'Sources' },
  { key: 'who', label: 'Who' },
  { key: 'operation', label: 'Operation' },
  { key: null, label: 'Version' },
  { key: 'age', label: 'Age' },
  { key: null, label: 'Lock ID' },
  { key: null, label: 'Actions' },
];

/**
 * What a row needs a second look for, unmistakable at a glance (tint and left border, beside the
 * chips): a problem, else staleness. A freeze is old on purpose and gets neither.
 */
function attentionOf(lock: LockRow): 'problem' | 'stale' | null {
  if (lock.problems.length > 0) return 'problem';
  return lock.stale && !freezeOf(lock) ? 'stale' : null;
}

// `!`: the body's divide-y colour (a more specific selector) would otherwise grey every border of a row but the first.
const ATTENTION_BORDER = { problem: 'border-l-4 !border-l-red-600', stale: 'border-l-4 !border-l-amber-500' };
const ATTENTION_TINT = { problem: 'bg-red-50', stale: 'bg-amber-50' };

/** A row's identity in the table (a split lock's two sides are two rows), built once with the row. */
export const lockRowKey = (lock: Pick<LockRow, 'uid'>) => lock.uid;

function LockAge({ lock }: { lock: LockRow }) {
  const age = ageNow(lock, useNow());
  return (
    <div>
      <span className="text-base font-semibold tabular-nums text-slate-900">{age === null ? 'age unknown' : formatAge(age)}</span>
      {age === null ? null : <span className="text-slate-600"> ago</span>}
    </div>
  );
}

/**
 * The locks table, windowed (`win`, from useWindowRows over the same `rows`): only the rows near the
 * screen are rendered, the others stood in for by gaps of their height; `aria-rowcount` and
 * `aria-rowindex` keep the row semantics of the whole list.
 */
export function LockTable({
  rows,
  win,
  filter,
  sort,
  onSort,
  renderActions,
}: {
  rows: readonly LockRow[];
  win: WindowRows;
  /** The search text the rows were filtered by (`data-filter`: when the rows of a keystroke are in). */
  filter?: string;
  sort: { key: LockSortKey; desc: boolean };
  onSort: (key: LockSortKey) => void;
  renderActions?: (row: LockRow) => ReactNode;
}) {
  const { attach, measure, slots, onFocus } = win;
  return (
    // Below the md breakpoint each row is a card (path, problems, who · operation · age, Unlock):
    // no sideways scrolling on a phone. One DOM for both, so nothing is rendered twice.
    <div className="rounded-md border border-slate-200 bg-white md:overflow-x-auto" onFocus={onFocus}>
      <table ref={attach} data-filter={filter} aria-rowcount={rows.length + 1} className="min-w-full divide-y divide-slate-200 text-sm max-md:block [overflow-anchor:none]">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 max-md:hidden">
          <tr aria-rowindex={1}>
            {COLUMNS.map((c, i) => (
              <th key={i} scope="col" className="px-3 py-2" aria-sort={c.key && sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                {c.key ? (
                  <button type="button" className="uppercase hover:text-slate-900" onClick={() => onSort(c.key!)}>
                    {c.label}
                    {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                ) : (
                  <span className={c.label === 'Actions' ? 'sr-only' : undefined}>{c.label}</span>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 max-md:block">
          {slots.map((slot) => {
            if (slot.kind === 'gap') {
              return (
                <tr key={slot.key} aria-hidden className="max-md:block">
                  <td colSpan={COLUMNS.length} style={{ height: slot.height, padding: 0 }} className="max-md:block" />
                </tr>
              );
            }
            const index = slot.item.index;
            return <LockRowView key={slot.item.key} lock={rows[index]!} index={index} measure={measure} renderActions={renderActions} />;
          })}
        </tbody>
      </table>
    </div>
  );
}

/** One lock row, rendered again only when its own lock changes (its age ticks on its own). */
const LockRowView = memo(function LockRowView({ lock, index, measure, renderActions }: { lock: LockRow; index: number; measure: (el: Element | null) => void; renderActions?: (row: LockRow) => ReactNode }) {
  const attention = attentionOf(lock);
  return (
    <tr
      ref={measure}
      data-index={index}
      data-row-key={lockRowKey(lock)}
      aria-rowindex={index + 2}
      data-testid="lock-row"
      data-lock-id={lock.id}
      data-last-known={lock.lastKnown ? 'true' : undefined}
      data-attention={attention ?? undefined}
      className={cn(
        'align-top max-md:flex max-md:flex-wrap max-md:items-baseline max-md:gap-x-2 max-md:px-3 max-md:py-3',
        attention && ATTENTION_BORDER[attention],
        // A last-known row keeps its gray (not current) over the tint.
        lock.lastKnown ? 'bg-slate-100 text-slate-600' : attention && ATTENTION_TINT[attention],
      )}
    >
      <td className="max-w-[28rem] px-3 py-2 max-md:w-full max-md:max-w-none max-md:p-0">
        {lock.lastKnown ? <LastKnown at={lock.lastKnown} /> : null}
        <div className="font-mono text-xs">
          <PathText text={lock.key} />
        </div>
        <div className="mt-1 flex flex-wrap gap-1">
          <Badge tone="blue" title="Terraform workspace">
            {lock.workspace}
          </Badge>
          <LockBadges lock={lock} sources={false} />
        </div>
        {lock.problems.length > 0 ? (
          <div className="mt-1">
            <LockProblems lock={lock} />
          </div>
        ) : null}
        {lock.info ? (
          <p className="mt-1 text-xs text-slate-700 [overflow-wrap:anywhere]" data-testid="lock-info">
            <span className="text-slate-600">Info: </span>
            <LinkedText text={lock.info} />
          </p>
        ) : null}
      </td>
      <td className="px-3 py-2 text-xs max-md:order-last max-md:w-full max-md:p-0 max-md:text-slate-600 max-md:before:content-['Backend_']">{lock.backendName}</td>
      <td className="px-3 py-2 max-md:hidden">
        <div className="flex gap-1">
          {lock.sources.map((s) => (
            <Badge key={s}>{lockSourceLabel(s)}</Badge>
          ))}
        </div>
      </td>
      <td className="px-3 py-2 font-mono text-xs max-md:p-0">{lock.who || '—'}</td>
      <td className="px-3 py-2 text-xs max-md:p-0">
        <OperationText operation={lock.operation} />
      </td>
      <td className="px-3 py-2 text-xs max-md:hidden" data-testid="lock-version" title={versionWords(lock).label}>
        {versionWords(lock).value}
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-xs max-md:p-0" data-testid="lock-age">
        {/* The age is what a person scans for; the absolute time is secondary. */}
        <LockAge lock={lock} />
        <div className="text-slate-600 max-md:hidden"><TimeText at={lock.created} show="absolute" /></div>
      </td>
      <td className="px-3 py-2 max-md:w-full max-md:p-0">
        <div className="flex items-center gap-1">
          <code className="font-mono text-xs" data-testid="lock-id">
            <PathText text={lock.id || '(none)'} />
          </code>
          {lock.id ? <CopyButton text={lock.id} label={`Copy lock ID ${lock.id}`} /> : null}
        </div>
      </td>
      <td className="px-3 py-2 max-md:w-full max-md:p-0">
        <div className="flex flex-col items-start gap-1 max-md:flex-row max-md:flex-wrap max-md:items-center max-md:gap-2">
          {cliUnlockCommand(lock) ? <CopyButton text={cliUnlockCommand(lock)!} label="Copy CLI: copy terraform force-unlock command" caption="Copy CLI" /> : null}
          {renderActions?.(lock)}
        </div>
      </td>
    </tr>
  );
});
