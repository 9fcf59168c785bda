import { Badge } from './badge';
import { CopyButton } from './copy-button';
import { formatAge, formatLocalTime, LOCK_PROBLEM_TEXT } from '@/lib/client/format';
import { forceUnlockCommand } from '@/lib/terraform/lock-info';
import type { Lock } from '@/lib/terraform/locks';
import type { ReactNode } from 'react';

export interface LockRow extends Lock {
  backendId: string;
  backendName: string;
}

export type LockSortKey = 'path' | 'who' | 'operation' | 'age' | 'backend';

const COLUMNS: Array<{ key: LockSortKey | null; label: string }> = [
  { key: 'path', label: 'State path' },
  { key: 'backend', label: 'Backend' },
  { key: null, label: 'Sources' },
  { key: 'who', label: 'Who' },
  { key: 'operation', label: 'Operation' },
  { key: null, label: 'Version' },
  { key: 'age', label: 'Created' },
  { key: null, label: 'Lock ID' },
  { key: null, label: '' },
];

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
    <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {COLUMNS.map((c, i) => (
              <th key={i} scope="col" className="px-3 py-2" aria-sort={c.key && sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                {c.key ? (
                  <button type="button" className="uppercase hover:text-slate-900" onClick={() => onSort(c.key!)}>
                    {c.label}
                    {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((lock) => (
            <tr key={`${lock.backendId}|${lock.path}|${lock.sources.join()}`} data-testid="lock-row" data-lock-id={lock.id} className="align-top">
              <td className="max-w-[28rem] px-3 py-2">
                <div className="break-all font-mono text-xs">{lock.key}</div>
                <div className="mt-1 flex flex-wrap gap-1">
                  <Badge tone="blue" title="Terraform workspace">
                    {lock.workspace}
                  </Badge>
                  {lock.stale ? (
                    <Badge tone="amber" title="Older than the stale threshold">
                      stale
                    </Badge>
                  ) : null}
                  {lock.problems.map((p) => (
                    <Badge key={p} tone="red" title={LOCK_PROBLEM_TEXT[p] ?? p}>
                      {p}
                    </Badge>
                  ))}
                </div>
              </td>
              <td className="px-3 py-2 text-xs">{lock.backendName}</td>
              <td className="px-3 py-2">
                <div className="flex gap-1">
                  {lock.sources.map((s) => (
                    <Badge key={s}>{s === 's3' ? '.tflock' : 'DynamoDB'}</Badge>
                  ))}
                </div>
              </td>
              <td className="px-3 py-2 font-mono text-xs">{lock.who || '—'}</td>
              <td className="px-3 py-2 text-xs">{lock.operation || '—'}</td>
              <td className="px-3 py-2 text-xs">{lock.version || '—'}</td>
              <td className="px-3 py-2 text-xs">
                <div>{lock.created ? formatLocalTime(lock.created) : '—'}</div>
                <div className="text-slate-500">{lock.ageSeconds === null ? 'age unknown' : `${formatAge(lock.ageSeconds)} ago`}</div>
              </td>
              <td className="px-3 py-2">
                <div className="flex items-center gap-1">
                  <code className="font-mono text-xs" data-testid="lock-id">{lock.id || '(none)'}</code>
                  {lock.id ? <CopyButton text={lock.id} label={`Copy lock ID ${lock.id}`} /> : null}
                </div>
              </td>
              <td className="px-3 py-2">
                <div className="flex flex-col items-start gap-1">
                  {forceUnlockCommand(lock) ? <CopyButton text={forceUnlockCommand(lock)!} label="Copy terraform force-unlock command" caption="Copy CLI" /> : null}
                  {renderActions?.(lock)}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
