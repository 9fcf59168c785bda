'use client';
import { useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { BackendBanners, ListBody } from '@/components/backend-banner';
import { FilterSelect } from '@/components/filter-select';
import { LockSummaryBar, type SummaryFilter } from '@/components/lock-summary-bar';
import { LockTable, lockRowKey, type LockRow, type LockSortKey } from '@/components/lock-table';
import { PageHeader } from '@/components/page-header';
import type { PublicBackend } from '@/lib/api/backends';
import { locksQuery, type HeldLock } from '@/lib/queries/locks';
import { refreshStatus, useBackendReads } from '@/lib/client/backend-reads';
import { countCoverage, countLocks, keptBy, problemFilterOf, summaryFilterParams } from '@/lib/client/lock-summary';
import { bornAt } from '@/lib/client/lock-age';
import { RowCache, searchText } from '@/lib/client/row-cache';
import { useWindowRows } from '@/lib/client/use-window-rows';
import { operationLabel, withSplitSides, type ListedLock } from '@/lib/client/lock-words';
import { firstPageNote } from '@/lib/client/first-page-note';
import { firstPageQuery } from '@/lib/queries/first-page';
import { PRELOADED_BACKENDS } from '@/lib/api/urls';
import { useTimeFormat } from '@/lib/client/use-time';
import { useUrlParams } from '@/lib/client/use-url-params';
import { groupWindowMs } from '@/lib/terraform/lock-groups';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import { FreezeAction, UnfreezeAction } from './freeze-action';
import { LockTriage } from './lock-triage';
import { UnlockAction } from './unlock-action';
import { PostureAlerts } from './posture-alerts';
import { BackendModes } from '@/components/backend-modes';

const LIST_WORDS = {
  loading: 'Loading locks…',
  noneRead: 'No backend could be read: whether any state is locked is unknown.',
  noMatch: 'No lock matches these filters.',
  noneFoundInRead: 'No lock found in what could be read.',
  none: 'No live locks. Every state is free.',
};

const SORT_KEYS: LockSortKey[] = ['path', 'who', 'operation', 'age', 'backend'];
/** A lock row's usual height (px) before it is measured. */
const ROW_ESTIMATE = 100;
const NO_LOCKS: Array<ListedLock & HeldLock> = [];
const collator = new Intl.Collator();

/** Age order, oldest first, on when each lock was taken (it does not move as the ages grow); an unknown age with the oldest. */
function compareBornOldestFirst(a: LockRow, b: LockRow): number {
  const x = bornAt(a);
  const y = bornAt(b);
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x - y;
}

function compare(a: LockRow, b: LockRow, key: LockSortKey): number {
  switch (key) {
    case 'path':
      return collator.compare(a.path, b.path);
    case 'who':
      return collator.compare(a.who, b.who);
    case 'operation':
      return collator.compare(operationLabel(a.operation), operationLabel(b.operation));
    case 'backend':
      return collator.compare(a.backendName, b.backendName);
    case 'age':
      // Youngest first; an unknown age sorts with the oldest.
      return -compareBornOldestFirst(a, b);
  }
}

function lockRowOf(lock: ListedLock & HeldLock, backend: PublicBackend, lastKnown: string | null): LockRow {
  return {
    ...lock,
    search: searchText([lock.path, lock.who, lock.operation, operationLabel(lock.operation), lock.id, lock.version, lock.workspace, lock.info]),
    uid: `${backend.id}|${lock.path}|${lock.sources.join()}`,
    backendId: backend.id,
    backendName: backend.name,
    lastKnown,
  };
}

export function LocksOverview({ backends, pollMs, watchMs, staleAfterMinutes }: { backends: PublicBackend[]; pollMs: number; watchMs: number; staleAfterMinutes: number }) {
  const { params, setParams: setParam } = useUrlParams();
  const time = useTimeFormat();
  const text = params.get('q') ?? '';
  // Filtered in the keystroke's own render: one pass over the rows and only the rows near the screen
  // drawn (a deferred value cost a second render per key, more than the filtering itself).
  const needle = text.trim().toLowerCase();
  const backendFilter = params.get('backend') ?? '';
  const staleOnly = params.get('stale') === '1';
  const frozenOnly = params.get('frozen') === '1';
  const problemFilter = problemFilterOf(params.get('problem'));
  const grouped = params.get('group') === '1';
  const sortParam = params.get('sort') ?? 'age';
  const sortKey = (SORT_KEYS as string[]).includes(sortParam) ? (sortParam as LockSortKey) : 'age';
  const desc = params.get('dir') !== 'asc';

  const backendsById = useMemo(() => new Map(backends.map((b) => [b.id, b])), [backends]);
  const stores = useMemo(() => Object.fromEntries(backendsById), [backendsById]);
  // The first backends' first page (a few kB, preloaded with the HTML) comes first and is shown while
  // their whole listing loads; the whole listing is asked for once the first page is in, so that the
  // server serialises 8 MB for it after the first rows, not before.
  const firstPages = useQueries({ queries: backends.map((b, i) => firstPageQuery<HeldLock>(b.id, 'locks', i < PRELOADED_BACKENDS)) });
  const results = useQueries({ queries: backends.map((b, i) => ({ ...locksQuery(b.id, pollMs), enabled: i >= PRELOADED_BACKENDS || firstPages[i]!.isFetched })) });
  const reads = useBackendReads(backends.map((b) => b.id), results);
  const firstStamp = firstPages.map((p) => p.dataUpdatedAt).join();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when a first page arrives (the results array itself is new each render)
  const firstRows = useMemo(() => firstPages.map((p) => (p.data ? withSplitSides(p.data.rows) : null)), [firstStamp]);
  const previews = reads.map((r, i) => (r.status === 'loading' ? (firstPages[i]!.data ?? null) : null));

  // Rows built once per listed lock (a poll that changed nothing builds none), sorted once per sort,
  // then filtered in one pass per keystroke (the sorted order is kept).
  const [cache] = useState(() => new RowCache<ListedLock & HeldLock, LockRow>());
  const all = cache.join(
    reads.map((r, i) => {
      const backend = backends[i]!;
      const preview = previews[i] ? firstRows[i] : null;
      if (preview) return cache.rowsOf(backend.id, preview, 'first page', (l) => lockRowOf(l, backend, null));
      const lastKnown = r.status === 'stale' ? r.fetchedAt : null;
      return cache.rowsOf(backend.id, r.data?.locks ?? NO_LOCKS, String(lastKnown), (l) => lockRowOf(l, backend, lastKnown));
    }),
  );
  const sorted = useMemo(() => [...all].sort((a, b) => (desc ? -1 : 1) * compare(a, b, sortKey)), [all, sortKey, desc]);
  // `scoped`: the locks the text and backend filters keep, which the summary counts; `rows`: those
  // the stale, frozen or problem filter then keeps.
  const { scoped, rows } = useMemo(() => {
    const scoped: LockRow[] = [];
    const rows: LockRow[] = [];
    for (const l of sorted) {
      if ((backendFilter && l.backendId !== backendFilter) || (needle && !l.search.includes(needle))) continue;
      scoped.push(l);
      if ((!staleOnly || keptBy('stale', l)) && (!frozenOnly || keptBy('frozen', l)) && (!problemFilter || keptBy(problemFilter, l))) rows.push(l);
    }
    return { scoped, rows };
  }, [sorted, backendFilter, needle, staleOnly, frozenOnly, problemFilter]);
  const counts = useMemo(() => countLocks(scoped), [scoped]);
  const win = useWindowRows(rows, lockRowKey, ROW_ESTIMATE);
  // Stable, so a row stays rendered as it is while the page re-renders around it (memo in LockTable).
  const { absolute } = time;
  const renderActions = useCallback(
    (row: LockRow) =>
      freezeOf(row) ? (
        <UnfreezeAction lock={row} backendId={row.backendId} backendName={row.backendName} />
      ) : (
        <UnlockAction
          lock={row}
          backend={backendsById.get(row.backendId)!}
          disabledWhy={row.lastKnown ? `Backend ${row.backendName} could not be read since ${absolute(row.lastKnown)}: this lock may have changed.` : null}
        />
      ),
    [backendsById, absolute],
  );

  const inScope = backends.map((b, i) => ({ b, status: reads[i]!.status })).filter(({ b }) => !backendFilter || b.id === backendFilter);
  const coverage = countCoverage(
    inScope.map(({ b }) => b),
    inScope.map(({ status }) => status),
  );
  const previewNote = firstPageNote(backends, previews, 'locks');
  const summaryFilter: SummaryFilter = problemFilter ?? (staleOnly ? 'stale' : frozenOnly ? 'frozen' : 'all');

  return (
    <section aria-labelledby="locks-heading" className="space-y-4">
      <PageHeader id="locks-heading" title="Live locks" refresh={refreshStatus(results, reads, pollMs, watchMs)}>
        <form className="flex flex-wrap items-center gap-3 text-sm" onSubmit={(e) => e.preventDefault()} role="search">
          <label className="flex items-center gap-1">
            <span className="sr-only">Filter locks</span>
            <input
              type="search"
              placeholder="Filter by path, who, ID…"
              value={text}
              onChange={(e) => setParam({ q: e.target.value })}
              className="w-64 rounded border border-slate-300 px-2 py-1"
            />
          </label>
          <FilterSelect label="Backend" value={backendFilter} onChange={(v) => setParam({ backend: v })} options={backends.map((b) => ({ value: b.id, label: b.name }))} />
          <label className="flex items-center gap-1">
            <input type="checkbox" checked={staleOnly} onChange={(e) => setParam({ stale: e.target.checked ? '1' : null })} />
            Stale only
          </label>
          <label className="flex items-center gap-1">
            <input type="checkbox" checked={grouped} onChange={(e) => setParam({ group: e.target.checked ? '1' : null })} />
            Group by run
          </label>
        </form>
        <FreezeAction backends={backends} />
      </PageHeader>

      <LockSummaryBar
        counts={counts}
        coverage={coverage}
        staleAfterMinutes={staleAfterMinutes}
        active={summaryFilter}
        onFilter={(f) => setParam(summaryFilterParams(f))}
      />

      <PostureAlerts backends={backends} />
      <BackendModes pollMs={pollMs} />

      <BackendBanners backends={backends} reads={reads} what="locks" />
      {previewNote ? (
        <p className="text-sm text-slate-600" data-testid="first-page-note" role="status">
          {previewNote}
        </p>
      ) : null}

      <ListBody backends={backends} reads={reads} what="locks" empty={rows.length === 0} filtered={Boolean(text || backendFilter || staleOnly || frozenOnly || problemFilter)} words={LIST_WORDS}>
        {grouped ? (
          <LockTriage rows={rows} windowMs={groupWindowMs(params.get('window'))} stores={stores} />
        ) : (
        <LockTable
          rows={rows}
          win={win}
          filter={needle}
          sort={{ key: sortKey, desc }}
          onSort={(key) => setParam({ sort: key, dir: key === sortKey && desc ? 'asc' : null })}
          renderActions={renderActions}
        />
        )}
      </ListBody>
      <p className="text-xs text-slate-500">{rows.length} lock(s) shown.</p>
    </section>
  );
}
