import { Badge } from './badge';
import { CopyButton } from './copy-button';
import { formatAge } from '@/lib/client/format';
import type { ReactNode } from 'react';
import { cn } from '@/lib/client/cn';
import { cliUnlockCommand, lockSourceLabel, versionWords, type ListedLock } from '@/lib/client/lock-words';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import { LastKnown } from './last-known';
import { LinkedText } from './linked-text';
import { PathText } from './path-text';
import { TimeText } from './time-text';
import { LockBadges, LockProblems, OperationText } from './lock-details';

export interface LockRow extends ListedLock {
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

export function LockTable({
  rows,
  sort,
  onSort,
  renderActions,
}: {
  rows: LockRow[];
  sort: { key: LockSortKey; desc: boolean };
  onSort: (key: LockSortKey) => void;
  renderActions?: (row: LockRow) => ReactNode;
}) {
  return (
    // Below the md breakpoint each row is a card (path, problems, who · operation · age, Unlock):
    // no sideways scrolling on a phone. One DOM for both, so nothing is rendered twice.
    <div className="rounded-md border border-slate-200 bg-white md:overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm max-md:block">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 max-md:hidden">
          <tr>
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
          {rows.map((lock) => {
            const attention = attentionOf(lock);
            return (
              <tr
                key={`${lock.backendId}|${lock.path}|${lock.sources.join()}`}
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
                  <div>
                    <span className="text-base font-semibold tabular-nums text-slate-900">{lock.ageSeconds === null ? 'age unknown' : formatAge(lock.ageSeconds)}</span>
                    {lock.ageSeconds === null ? null : <span className="text-slate-600"> ago</span>}
                  </div>
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
          })}
        </tbody>
      </table>
    </div>
  );
}
