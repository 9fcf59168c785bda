'use client';
import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { FreshnessLabel } from '@/components/freshness-label';
import { ErrorBanner, Notice } from '@/components/error-banner';
import { FilterSelect } from '@/components/filter-select';
import { LockTable, type LockRow, type LockSortKey } from '@/components/lock-table';
import type { PublicBackend } from '@/lib/server/backends';
import { AppError } from '@/lib/api/errors';
import { locksQuery } from '@/lib/queries/locks';
import { useUrlParams } from '@/lib/client/use-url-params';
import { UnlockAction } from './unlock-action';

const SORT_KEYS: LockSortKey[] = ['path', 'who', 'operation', 'age', 'backend'];

function compare(a: LockRow, b: LockRow, key: LockSortKey): number {
  switch (key) {
    case 'path':
      return a.path.localeCompare(b.path);
    case 'who':
      return a.who.localeCompare(b.who);
    case 'operation':
      return a.operation.localeCompare(b.operation);
    case 'backend':
      return a.backendName.localeCompare(b.backendName);
    case 'age':
      return (a.ageSeconds ?? -1) - (b.ageSeconds ?? -1);
  }
}

export function LocksOverview({ backends, pollMs }: { backends: PublicBackend[]; pollMs: number }) {
  const { params, setParams: setParam } = useUrlParams();
  const text = params.get('q') ?? '';
  const backendFilter = params.get('backend') ?? '';
  const staleOnly = params.get('stale') === '1';
  const sortParam = params.get('sort') ?? 'age';
  const sortKey = (SORT_KEYS as string[]).includes(sortParam) ? (sortParam as LockSortKey) : 'age';
  const desc = params.get('dir') !== 'asc';

  const results = useQueries({ queries: backends.map((b) => locksQuery(b.id, pollMs)) });

  const rows = useMemo(() => {
    const all: LockRow[] = [];
    results.forEach((r, i) => {
      const backend = backends[i]!;
      for (const lock of r.data?.locks ?? []) all.push({ ...lock, backendId: backend.id, backendName: backend.name });
    });
    const needle = text.trim().toLowerCase();
    return all
      .filter((l) => !backendFilter || l.backendId === backendFilter)
      .filter((l) => !staleOnly || l.stale)
      .filter((l) => !needle || [l.path, l.who, l.operation, l.id, l.version, l.workspace].some((f) => f.toLowerCase().includes(needle)))
      .sort((a, b) => (desc ? -1 : 1) * compare(a, b, sortKey));
  }, [results, backends, text, backendFilter, staleOnly, sortKey, desc]);

  const loading = results.some((r) => r.isPending);
  const refreshing = results.some((r) => r.isFetching && !r.isPending);

  return (
    <section aria-labelledby="locks-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 id="locks-heading" className="text-2xl font-semibold">
            Live locks
          </h1>
          <p className="text-sm text-slate-600" aria-live="polite">
            <FreshnessLabel sources={results.map((r) => ({ fetchedAt: r.data?.fetchedAt ?? null, failed: r.isError }))} refreshing={refreshing} pollMs={pollMs} />
          </p>
        </div>
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
        </form>
      </div>

      {results.map((r, i) => {
        const backend = backends[i]!;
        const errors = r.error ? [r.error instanceof AppError ? { code: r.error.code, message: r.error.message } : { code: 'internal', message: String(r.error) }] : (r.data?.errors ?? []);
        return errors.map((e, j) => <ErrorBanner key={`${backend.id}-${j}`} title={`Backend "${backend.name}" could not be read`} message={e.message} code={e.code} />);
      })}

      {results.flatMap((r, i) => (r.data?.notices ?? []).map((n, j) => <Notice key={`${backends[i]!.id}-n${j}`}>{n}</Notice>))}

      {loading && rows.length === 0 ? (
        <p className="text-sm text-slate-500">Loading locks…</p>
      ) : rows.length === 0 ? (
        <div className="rounded-md border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">
          {text || backendFilter || staleOnly ? 'No lock matches these filters.' : 'No live locks. Every state is free.'}
        </div>
      ) : (
        <LockTable
          rows={rows}
          sort={{ key: sortKey, desc }}
          onSort={(key) => setParam({ sort: key, dir: key === sortKey && desc ? 'asc' : null })}
          renderActions={(row) => <UnlockAction lock={row} backendId={row.backendId} backendName={row.backendName} />}
        />
      )}
      <p className="text-xs text-slate-500">{rows.length} lock(s) shown.</p>
    </section>
  );
}
