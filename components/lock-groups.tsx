import { Badge } from './badge';
import { formatAge } from '@/lib/client/format';
import { problemWords } from '@/lib/client/lock-words';
import { useNow, useTimeFormat } from '@/lib/client/use-time';
import { ageNow } from '@/lib/client/lock-age';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import type { LockGroup } from '@/lib/terraform/lock-groups';
import { OperationText } from './lock-details';
import type { LockRow } from './lock-table';

/** A lock's identity in a selection (a split lock's two sides are two entries). */
export function lockUid(l: Pick<LockRow, 'backendId' | 'key' | 'id' | 'sources'>): string {
  return `${l.backendId}|${l.key}|${l.id}|${l.sources.join()}`;
}

/** The group's age range now (each lock aged from when the browser received it). */
function AgeRange({ group }: { group: LockGroup<LockRow> }) {
  const now = useNow();
  let oldest: number | null = null;
  let newest: number | null = null;
  for (const l of group.locks) {
    const age = ageNow(l, now);
    if (age === null) continue;
    oldest = oldest === null ? age : Math.max(oldest, age);
    newest = newest === null ? age : Math.min(newest, age);
  }
  if (oldest === null || newest === null) return <>age unknown</>;
  if (group.count === 1 || oldest === newest) return <>{formatAge(oldest)} old</>;
  return (
    <>
      {formatAge(newest)}–{formatAge(oldest)} old
    </>
  );
}

/**
 * Locks grouped by the run that most likely left them: holder, operation, count, age range and state
 * paths per group, with checkboxes to select a whole group or any set of locks.
 */
export function LockGroups({
  groups,
  selected,
  onSelect,
  selectable,
}: {
  groups: LockGroup<LockRow>[];
  selected: ReadonlySet<string>;
  onSelect: (uids: string[], on: boolean) => void;
  selectable: boolean;
}) {
  const time = useTimeFormat();
  return (
    <ol className="space-y-3" aria-label="Lock groups">
      {groups.map((g) => {
        const uids = g.locks.map(lockUid);
        const all = uids.every((u) => selected.has(u));
        const freeze = freezeOf(g.locks[0]!);
        return (
          <li key={g.id} data-testid="lock-group" data-count={g.count} className="rounded-md border border-slate-200 bg-white">
            <div className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-slate-100 px-3 py-2">
              {selectable ? (
                <label className="flex items-center gap-1 text-xs">
                  <input type="checkbox" checked={all} onChange={(e) => onSelect(uids, e.target.checked)} aria-label={`Select all ${g.count} locks of ${g.who || 'unknown holder'}`} />
                  all
                </label>
              ) : null}
              <span className="font-semibold">
                {g.count} lock{g.count === 1 ? '' : 's'}
              </span>
              <span className="font-mono text-xs">{g.who || 'unknown holder'}</span>
              <span className="text-xs">{g.operation ? <OperationText operation={g.operation} /> : 'unknown operation'}</span>
              <span className="text-xs text-slate-600" title={`${time.absolute(g.firstCreated)} – ${time.absolute(g.lastCreated)}`}>
                <AgeRange group={g} />
              </span>
              <span className="text-xs text-slate-500">{g.backendIds.length > 1 ? `${g.backendIds.length} backends` : g.locks[0]!.backendName}</span>
              {freeze ? (
                <Badge tone="blue" title={`Frozen by ${freeze.frozenBy}: ${freeze.reason}`}>
                  frozen
                </Badge>
              ) : g.locks.some((l) => l.stale) ? (
                <Badge tone="amber">stale</Badge>
              ) : null}
            </div>
            <ul className="divide-y divide-slate-50 text-xs">
              {g.locks.map((l) => {
                const uid = lockUid(l);
                const f = freezeOf(l);
                return (
                  <li key={uid} data-testid="lock-group-item" className="flex flex-wrap items-center gap-2 px-3 py-1">
                    {selectable ? <input type="checkbox" checked={selected.has(uid)} onChange={(e) => onSelect([uid], e.target.checked)} aria-label={`Select ${l.key}`} /> : null}
                    <span className="break-all font-mono">{l.key}</span>
                    {g.backendIds.length > 1 ? <span className="text-slate-500">{l.backendName}</span> : null}
                    <span className="text-slate-500">{l.workspace}</span>
                    {f ? <span className="text-sky-800">frozen: {f.reason}</span> : null}
                    {l.problems.map((p) => (
                      <span key={p} className="font-medium text-red-800" title={p}>
                        {problemWords(p, l).label}
                      </span>
                    ))}
                  </li>
                );
              })}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}
