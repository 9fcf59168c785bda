'use client';
import { useQueries } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { FreshnessLabel } from '@/components/freshness-label';
import { ErrorBanner, Notice } from '@/components/error-banner';
import { FilterSelect } from '@/components/filter-select';
import { StateTable, type StateRow } from '@/components/state-table';
import type { PublicBackend } from '@/lib/server/backends';
import { cn } from '@/lib/client/cn';
import { AppError } from '@/lib/api/errors';
import { statesQuery } from '@/lib/queries/states';
import { DIGEST_STATUSES, DIGEST_STATUS_TEXT, type DigestStatus } from '@/lib/terraform/digest';
import { useUrlParams } from '@/lib/client/use-url-params';
import { DigestRepairAction } from '../digest-repair-action';

const LOCK_OPTIONS = [
  { value: '1', label: 'Locked' },
  { value: '0', label: 'Unlocked' },
];

/** Rows rendered at first; the rest on request, so thousands of states do not freeze the page. */
const PAGE_ROWS = 500;

const COUNT_STYLE: Record<DigestStatus, string> = {
  match: 'border-emerald-300 bg-emerald-50 text-emerald-900',
  mismatch: 'border-red-300 bg-red-50 text-red-900',
  orphan: 'border-red-300 bg-red-50 text-red-900',
  missing: 'border-slate-300 bg-white text-slate-800',
  unverified: 'border-amber-300 bg-amber-50 text-amber-900',
};

export function StatesOverview({ backends, pollMs }: { backends: PublicBackend[]; pollMs: number }) {
  const { params, setParams: setParam } = useUrlParams();
  const text = params.get('q') ?? '';
  const backendFilter = params.get('backend') ?? '';
  const workspaceFilter = params.get('workspace') ?? '';
  const statusParam = params.get('status') ?? '';
  const statusFilter = (DIGEST_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as DigestStatus) : null;
  const lockedParam = params.get('locked');
  const lockedFilter = lockedParam === '1' ? true : lockedParam === '0' ? false : null;
  const [showAll, setShowAll] = useState(false);


  const results = useQueries({ queries: backends.map((b) => statesQuery(b.id, pollMs)) });

  const { rows, counts, workspaces } = useMemo(() => {
    const all: StateRow[] = [];
    results.forEach((r, i) => {
      const backend = backends[i]!;
      for (const state of r.data?.states ?? []) all.push({ ...state, backendId: backend.id, backendName: backend.name, bucket: backend.bucket });
    });
    const needle = text.trim().toLowerCase();
    const inBackend = all.filter((s) => !backendFilter || s.backendId === backendFilter);
    // Counts follow every filter but the status one, so each count says what clicking it shows.
    const scoped = inBackend
      .filter((s) => !workspaceFilter || s.workspace === workspaceFilter)
      .filter((s) => lockedFilter === null || (s.lock !== null) === lockedFilter)
      .filter((s) => !needle || [s.key, s.workspace, s.digest ?? '', s.lock?.who ?? '', s.lock?.id ?? ''].some((f) => f.toLowerCase().includes(needle)));
    const counts = Object.fromEntries(DIGEST_STATUSES.map((st) => [st, 0])) as Record<DigestStatus, number>;
    for (const s of scoped) counts[s.digestStatus]++;
    return {
      rows: scoped.filter((s) => !statusFilter || s.digestStatus === statusFilter),
      counts,
      workspaces: [...new Set(inBackend.map((s) => s.workspace))].sort(),
    };
  }, [results, backends, text, backendFilter, workspaceFilter, statusFilter, lockedFilter]);

  const loading = results.some((r) => r.isPending);
  const refreshing = results.some((r) => r.isFetching && !r.isPending);
  const filtered = Boolean(text || backendFilter || workspaceFilter || statusFilter || lockedFilter !== null);
  const visible = showAll ? rows : rows.slice(0, PAGE_ROWS);

  return (
    <section aria-labelledby="states-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 id="states-heading" className="text-2xl font-semibold">
            States and digests
          </h1>
          <p className="text-sm text-slate-600" aria-live="polite">
            <FreshnessLabel sources={results.map((r) => ({ fetchedAt: r.data?.fetchedAt ?? null, failed: r.isError }))} refreshing={refreshing} pollMs={pollMs} />
          </p>
        </div>
        <form className="flex flex-wrap items-center gap-3 text-sm" onSubmit={(e) => e.preventDefault()} role="search" aria-label="Filter states">
          <label className="flex items-center gap-1">
            <span className="sr-only">Search states</span>
            <input type="search" placeholder="Search key, digest, holder…" value={text} onChange={(e) => setParam({ q: e.target.value })} className="w-64 rounded border border-slate-300 px-2 py-1" />
          </label>
          <FilterSelect label="Backend" value={backendFilter} onChange={(v) => setParam({ backend: v, workspace: null })} options={backends.map((b) => ({ value: b.id, label: b.name }))} />
          <FilterSelect label="Workspace" value={workspaceFilter} onChange={(v) => setParam({ workspace: v })} options={workspaceFilter && !workspaces.includes(workspaceFilter) ? [workspaceFilter, ...workspaces] : workspaces} />
          <FilterSelect label="Digest" value={statusFilter ?? ''} onChange={(v) => setParam({ status: v })} options={DIGEST_STATUSES} emptyLabel="Any" />
          <FilterSelect label="Lock" value={lockedParam === '1' || lockedParam === '0' ? lockedParam : ''} onChange={(v) => setParam({ locked: v })} options={LOCK_OPTIONS} emptyLabel="Any" />
        </form>
      </div>

      <div role="group" aria-label="States per digest status" className="flex flex-wrap gap-2">
        {DIGEST_STATUSES.map((st) => (
          <button
            key={st}
            type="button"
            data-testid={`status-count-${st}`}
            aria-pressed={statusFilter === st}
            title={DIGEST_STATUS_TEXT[st]}
            onClick={() => setParam({ status: statusFilter === st ? null : st })}
            className={cn('min-w-[7rem] rounded-md border px-3 py-2 text-left', COUNT_STYLE[st], statusFilter === st && 'ring-2 ring-sky-500', counts[st] === 0 && 'opacity-60')}
          >
            <span className="block text-2xl font-semibold tabular-nums" data-testid="status-count-value">
              {counts[st]}
            </span>
            <span className="text-xs uppercase tracking-wide">{st}</span>
          </button>
        ))}
      </div>

      {results.map((r, i) => {
        const backend = backends[i]!;
        const errors = r.error ? [r.error instanceof AppError ? { code: r.error.code, message: r.error.message } : { code: 'internal', message: String(r.error) }] : (r.data?.errors ?? []);
        return errors.map((e, j) => <ErrorBanner key={`${backend.id}-${j}`} title={`Backend "${backend.name}" could not be read fully`} message={e.message} code={e.code} />);
      })}

      {results.flatMap((r, i) => (r.data?.notices ?? []).map((n, j) => <Notice key={`${backends[i]!.id}-n${j}`}>{n}</Notice>))}

      {loading && rows.length === 0 ? (
        <p className="text-sm text-slate-500">Loading states…</p>
      ) : rows.length === 0 ? (
        <div className="rounded-md border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">
          {filtered ? 'No state matches these filters.' : 'No state files found.'}
        </div>
      ) : (
        <StateTable rows={visible} renderActions={(row) => <DigestRepairAction target={row} backendId={row.backendId} backendName={row.backendName} bucket={row.bucket} />} />
      )}
      <p className="flex items-center gap-3 text-xs text-slate-500">
        {visible.length === rows.length ? `${rows.length} state(s) shown.` : `${visible.length} of ${rows.length} state(s) shown.`}
        {visible.length < rows.length ? (
          <button type="button" onClick={() => setShowAll(true)} className="rounded border border-slate-300 px-2 py-0.5 text-slate-700 hover:bg-slate-100">
            Show all {rows.length}
          </button>
        ) : null}
      </p>
    </section>
  );
}
