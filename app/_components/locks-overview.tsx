'use client';
import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { BackendBanners, ListBody } from '@/components/backend-banner';
import { FilterSelect } from '@/components/filter-select';
import { LockSummaryBar, type SummaryFilter } from '@/components/lock-summary-bar';
import { LockTable, type LockRow, type LockSortKey } from '@/components/lock-table';
import { PageHeader } from '@/components/page-header';
import type { PublicBackend } from '@/lib/api/backends';
import { locksQuery } from '@/lib/queries/locks';
import { refreshStatus, useBackendReads } from '@/lib/client/backend-reads';
import { compareAgeOldestFirst, countCoverage, countLocks, keptBy, problemFilterOf, summaryFilterParams } from '@/lib/client/lock-summary';
import { operationLabel } from '@/lib/client/lock-words';
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

function compare(a: LockRow, b: LockRow, key: LockSortKey): number {
  switch (key) {
    case 'path':
      return a.path.localeCompare(b.path);
    case 'who':
      return a.who.localeCompare(b.who);
    case 'operation':
      return operationLabel(a.operation).localeCompare(operationLabel(b.operation));
    case 'backend':
      return a.backendName.localeCompare(b.backendName);
    case 'age':
      // Youngest first; an unknown age sorts with the oldest (see compareAgeOldestFirst).
      return -compareAgeOldestFirst(a, b);
  }
}

export function LocksOverview({ backends, pollMs, watchMs, staleAfterMinutes }: { backends: PublicBackend[]; pollMs: number; watchMs: number; staleAfterMinutes: number }) {
  const { params, setParams: setParam } = useUrlParams();
  const time = useTimeFormat();
  const text = params.get('q') ?? '';
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
  const results = useQueries({ queries: backends.map((b) => locksQuery(b.id, pollMs)) });
  const reads = useBackendReads(backends.map((b) => b.id), results);

  // `scoped`: the locks the text and backend filters keep, which the summary counts; `rows`: those
  // the stale or problem filter then keeps, sorted.
  const { scoped, rows } = useMemo(() => {
    const all: LockRow[] = [];
    reads.forEach((r, i) => {
      const backend = backends[i]!;
      const lastKnown = r.status === 'stale' ? r.fetchedAt : null;
      for (const lock of r.data?.locks ?? []) all.push({ ...lock, backendId: backend.id, backendName: backend.name, lastKnown });
    });
    const needle = text.trim().toLowerCase();
    const scoped = all
      .filter((l) => !backendFilter || l.backendId === backendFilter)
      .filter((l) => !needle || [l.path, l.who, l.operation, operationLabel(l.operation), l.id, l.version, l.workspace, l.info].some((f) => f.toLowerCase().includes(needle)));
    const rows = scoped
      .filter((l) => (!staleOnly || keptBy('stale', l)) && (!frozenOnly || keptBy('frozen', l)))
      .filter((l) => !problemFilter || keptBy(problemFilter, l))
      .sort((a, b) => (desc ? -1 : 1) * compare(a, b, sortKey));
    return { scoped, rows };
  }, [reads, backends, text, backendFilter, staleOnly, frozenOnly, problemFilter, sortKey, desc]);

  const inScope = backends.map((b, i) => ({ b, status: reads[i]!.status })).filter(({ b }) => !backendFilter || b.id === backendFilter);
  const coverage = countCoverage(
    inScope.map(({ b }) => b),
    inScope.map(({ status }) => status),
  );
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
        counts={countLocks(scoped)}
        coverage={coverage}
        staleAfterMinutes={staleAfterMinutes}
        active={summaryFilter}
        onFilter={(f) => setParam(summaryFilterParams(f))}
      />

      <PostureAlerts backends={backends} />
      <BackendModes pollMs={pollMs} />

      <BackendBanners backends={backends} reads={reads} what="locks" />

      <ListBody backends={backends} reads={reads} what="locks" empty={rows.length === 0} filtered={Boolean(text || backendFilter || staleOnly || frozenOnly || problemFilter)} words={LIST_WORDS}>
        {grouped ? (
          <LockTriage rows={rows} windowMs={groupWindowMs(params.get('window'))} stores={stores} />
        ) : (
        <LockTable
          rows={rows}
          sort={{ key: sortKey, desc }}
          onSort={(key) => setParam({ sort: key, dir: key === sortKey && desc ? 'asc' : null })}
          renderActions={(row) =>
            freezeOf(row) ? (
              <UnfreezeAction lock={row} backendId={row.backendId} backendName={row.backendName} />
            ) : (
              <UnlockAction
                lock={row}
                backend={backendsById.get(row.backendId)!}
                disabledWhy={row.lastKnown ? `Backend ${row.backendName} could not be read since ${time.absolute(row.lastKnown)}: this lock may have changed.` : null}
              />
            )
          }
        />
        )}
      </ListBody>
      <p className="text-xs text-slate-500">{rows.length} lock(s) shown.</p>
    </section>
  );
}
