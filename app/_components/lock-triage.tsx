'use client';
import dynamic from 'next/dynamic';
import { useMemo, useState } from 'react';
import { LockGroups, lockUid } from '@/components/lock-groups';
import type { LockRow } from '@/components/lock-table';
import { announce } from '@/lib/client/action-notices';
import type { LockStore } from '@/lib/client/unlock-deletions';
import { useBulkUnlock, type SelectedLock } from '@/lib/queries/bulk-unlock';
import { toClientError } from '@/lib/queries/fetch-json';
import { useCanMutate } from '@/lib/queries/session';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import { groupLocks } from '@/lib/terraform/lock-groups';

const BulkUnlockDialog = dynamic(() => import('@/components/bulk-unlock-dialog').then((m) => m.BulkUnlockDialog), { ssr: false });

/**
 * The grouped view of the locks page: groups of locks one run most likely left, a selection across
 * groups and backends, and one bulk force-unlock for it. Freezes are shown but never selectable here
 * (they are released with "Unfreeze", not force-unlocked).
 */
export function LockTriage({ rows, windowMs, stores }: { rows: LockRow[]; windowMs: number; stores: Readonly<Record<string, LockStore>> }) {
  const canMutate = useCanMutate();
  const groups = useMemo(() => groupLocks(rows, windowMs), [rows, windowMs]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [target, setTarget] = useState<SelectedLock[] | null>(null);
  const [opened, setOpened] = useState(0);
  const bulk = useBulkUnlock((summary, selection) => {
    if (summary.counts.released === 0) return;
    announce({
      tone: summary.partial ? 'warning' : 'success',
      title: summary.partial ? `Force-unlocked ${summary.counts.released} of ${selection.length} selected locks.` : `Force-unlocked all ${selection.length} selected locks.`,
      lines: summary.partial ? ['The others were kept or failed: the dialog lists each lock with why.'] : [],
      // The bulk action's own record per backend (each lock's record carries its id as bulkId).
      audit: summary.bulkIds.map((b) => ({ backend: b.backendId, id: b.id })),
      testId: 'bulk-unlock-notice',
    });
  });

  const selectable = rows.filter((r) => !freezeOf(r) && !r.problems.includes('other_bucket'));
  const chosen = selectable.filter((r) => selected.has(lockUid(r)));
  const error = toClientError(bulk.error);

  return (
    <div className="space-y-3">
      {canMutate ? (
        <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="bulk-bar">
          <span>{chosen.length} selected</span>
          <button type="button" onClick={() => setSelected(new Set())} disabled={chosen.length === 0} className="rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-50">
            Clear
          </button>
          <button
            type="button"
            disabled={chosen.length === 0}
            onClick={() => {
              bulk.reset();
              setTarget(chosen);
              setOpened((n) => n + 1);
            }}
            className="rounded border border-red-300 px-2 py-0.5 text-xs font-medium text-red-800 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-50"
          >
            Force-unlock {chosen.length} selected…
          </button>
        </div>
      ) : null}
      <LockGroups
        groups={groups}
        selected={selected}
        selectable={canMutate}
        onSelect={(uids, on) =>
          setSelected((prev) => {
            const next = new Set(prev);
            const allowed = new Set(selectable.map(lockUid));
            for (const u of uids) if (on && allowed.has(u)) next.add(u);
            else next.delete(u);
            return next;
          })
        }
      />
      <p className="text-xs text-slate-500">{groups.length} group(s).</p>
      {target ? (
        <BulkUnlockDialog
          key={opened}
          open
          onClose={() => {
            setTarget(null);
            if (bulk.data) setSelected(new Set());
          }}
          selection={target}
          stores={stores}
          pending={bulk.isPending}
          error={error}
          result={bulk.data ?? null}
          onConfirm={(reason) => bulk.mutate({ selection: target, reason })}
        />
      ) : null}
    </div>
  );
}
