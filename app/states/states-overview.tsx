'use client';
import { useQueries } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { BackendBanners, ListBody } from '@/components/backend-banner';
import { BUTTON } from '@/components/button';
import { FilterSelect } from '@/components/filter-select';
import { PageHeader } from '@/components/page-header';
import { StateTable, type LastWriterView, type StateRow } from '@/components/state-table';
import type { PublicBackend } from '@/lib/api/backends';
import { cn } from '@/lib/client/cn';
import { refreshStatus, useBackendReads } from '@/lib/client/backend-reads';
import { useTimeFormat } from '@/lib/client/use-time';
import { stateLockStatus } from '@/lib/client/lock-status';
import { statesQuery } from '@/lib/queries/states';
import { inventoryQuery } from '@/lib/queries/inventory';
import { lastWriterBatches, lastWritersQuery, type LastWriterTarget } from '@/lib/queries/last-writers';
import type { InventoryState } from '@/lib/api/inventory';
import { PostureAlerts } from '../_components/posture-alerts';
import { DIGEST_STATUSES, DIGEST_STATUS_LABEL, DIGEST_STATUS_TEXT, type DigestStatus } from '@/lib/terraform/digest';
import { useUrlParams } from '@/lib/client/use-url-params';
import { useReachedRows } from '@/lib/client/use-reached-rows';
import { DigestRepairAction } from '../_components/digest-repair-action';

const LOCK_OPTIONS = [
  { value: '1', label: 'Locked' },
  { value: '0', label: 'Free' },
];

const LIST_WORDS = {
  loading: 'Loading states…',
  noneRead: 'No backend could be read: which states exist is unknown.',
  noMatch: 'No state matches these filters.',
  noneFoundInRead: 'No state file found in what could be read.',
  none: 'No state files found.',
};

/** Rows rendered at first; the rest on request, so thousands of states do not freeze the page. */
const PAGE_ROWS = 500;
/** Rows whose last writer is looked up (each costs AWS reads once per version, then nothing). */
const LAST_WRITER_ROWS = 500;
/** Last writers are looked up a batch at a time, as the rows come near the screen. */
const LAST_WRITER_STEP = 50;

const COUNT_STYLE: Record<DigestStatus, string> = {
  match: 'border-emerald-300 bg-emerald-50 text-emerald-900',
  mismatch: 'border-red-300 bg-red-50 text-red-900',
  orphan: 'border-red-300 bg-red-50 text-red-900',
  missing: 'border-slate-300 bg-white text-slate-800',
  unverified: 'border-amber-300 bg-amber-50 text-amber-900',
  not_applicable: 'border-slate-300 bg-white text-slate-800',
};

export function StatesOverview({ backends, pollMs }: { backends: PublicBackend[]; pollMs: number }) {
  const { params, setParams: setParam } = useUrlParams();
  const time = useTimeFormat();
  const text = params.get('q') ?? '';
  const backendFilter = params.get('backend') ?? '';
  const workspaceFilter = params.get('workspace') ?? '';
  const statusParam = params.get('status') ?? '';
  const statusFilter = (DIGEST_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as DigestStatus) : null;
  const lockedParam = params.get('locked');
  const lockedFilter = lockedParam === '1' ? true : lockedParam === '0' ? false : null;
  const [showAll, setShowAll] = useState(false);


  const results = useQueries({ queries: backends.map((b) => statesQuery(b.id, pollMs)) });
  const inventories = useQueries({ queries: backends.map((b) => inventoryQuery(b.id, pollMs)) });
  const inventoryStamp = inventories.map((r) => r.dataUpdatedAt).join();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when an inventory answer changes (the array itself is new each render)
  const contents = useMemo(() => inventories.map((r) => new Map<string, InventoryState>((r.data?.states ?? []).map((s) => [s.key, s]))), [inventoryStamp]);
  const reads = useBackendReads(backends.map((b) => b.id), results);

  const { rows, counts, workspaces, complete } = useMemo(() => {
    const all: StateRow[] = [];
    reads.forEach((r, i) => {
      const backend = backends[i]!;
      const lastKnown = r.status === 'stale' ? r.fetchedAt : null;
      for (const state of r.data?.states ?? []) {
        all.push({ ...state, backendId: backend.id, backendName: backend.name, bucket: backend.bucket, lockStatus: stateLockStatus(state, backend, r), lastKnown, contents: contents[i]?.get(state.key) });
      }
    });
    const needle = text.trim().toLowerCase();
    const inBackend = all.filter((s) => !backendFilter || s.backendId === backendFilter);
    // Counts follow every filter but the status one, so each count says what clicking it shows.
    const scoped = inBackend
      .filter((s) => !workspaceFilter || s.workspace === workspaceFilter)
      .filter((s) => lockedFilter === null || s.lockStatus.status === (lockedFilter ? 'locked' : 'free'))
      .filter((s) => !needle || [s.key, s.workspace, s.digest ?? '', s.lock?.who ?? '', s.lock?.id ?? ''].some((f) => f.toLowerCase().includes(needle)));
    const counts = Object.fromEntries(DIGEST_STATUSES.map((st) => [st, 0])) as Record<DigestStatus, number>;
    for (const s of scoped) counts[s.digestStatus]++;
    return {
      rows: scoped.filter((s) => !statusFilter || s.digestStatus === statusFilter),
      counts,
      workspaces: [...new Set(inBackend.map((s) => s.workspace))].sort(),
      // Counts are complete only when every backend in scope was read now.
      complete: reads.every((r, i) => (backendFilter && backends[i]!.id !== backendFilter) || r.status === 'ok' || r.status === 'partial'),
    };
  }, [reads, contents, backends, text, backendFilter, workspaceFilter, statusFilter, lockedFilter]);

  const filtered = Boolean(text || backendFilter || workspaceFilter || statusFilter || lockedFilter !== null);
  const shown = useMemo(() => (showAll ? rows : rows.slice(0, PAGE_ROWS)), [rows, showAll]);

  // Last writers are looked up only for the rows shown that the user came near (at most
  // LAST_WRITER_ROWS), per backend in batches.
  const tableRef = useRef<HTMLDivElement>(null);
  const reached = useReachedRows(tableRef, shown, LAST_WRITER_STEP, LAST_WRITER_ROWS);
  const batches = useMemo(() => {
    const byBackend = new Map<string, LastWriterTarget[]>();
    for (const row of shown.slice(0, reached)) {
      if (row.etag === null || row.size === null) continue;
      let list = byBackend.get(row.backendId);
      if (!list) byBackend.set(row.backendId, (list = []));
      list.push({ key: row.key, etag: row.etag });
    }
    return [...byBackend].flatMap(([backendId, targets]) => lastWriterBatches(targets).map((batch) => ({ backendId, batch })));
  }, [shown, reached]);
  const writerResults = useQueries({ queries: batches.map((b) => lastWritersQuery(b.backendId, b.batch)) });
  const writerStamp = writerResults.map((r) => `${r.dataUpdatedAt}:${r.errorUpdatedAt}:${r.status}`).join();
  const visible = useMemo(() => {
    const views = new Map<string, LastWriterView>();
    batches.forEach(({ backendId, batch }, i) => {
      const r = writerResults[i];
      const backend = backends.find((b) => b.id === backendId);
      const context = { lockTable: Boolean(backend?.dynamodbTable), useLockfile: backend?.useLockfile ?? false };
      const found = new Map((r?.data?.writers ?? []).map((w) => [w.key, w]));
      const unreadable = new Map((r?.data?.unreadable ?? []).map((u) => [u.key, u.message]));
      for (const t of batch) {
        const id = `${backendId}|${t.key}`;
        const w = found.get(t.key);
        if (w && w.etag === t.etag) views.set(id, { status: 'ready', writer: w, context: { ...context, lockHistoryEntries: w.lockHistoryEntries } });
        else if (unreadable.has(t.key)) views.set(id, { status: 'error', message: unreadable.get(t.key)! });
        else if (r?.error) views.set(id, { status: 'error', message: r.error.message });
        else views.set(id, { status: 'loading' });
      }
    });
    return shown.map((row, i): StateRow => {
      const view = views.get(`${row.backendId}|${row.key}`);
      if (view) return { ...row, lastWriter: view };
      if (row.size === null) return row;
      // Below the rows reached: looked up once scrolled near; past LAST_WRITER_ROWS: never.
      return i >= LAST_WRITER_ROWS ? { ...row, lastWriter: { status: 'not_looked_up' } } : i >= reached ? { ...row, lastWriter: { status: 'loading' } } : row;
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when a last-writers answer changes (the results array itself is new each render)
  }, [shown, batches, backends, writerStamp, reached]);

  return (
    <section aria-labelledby="states-heading" className="space-y-4">
      <PageHeader id="states-heading" title="States and digests" refresh={refreshStatus(results, reads, pollMs)}>
        <form className="flex flex-wrap items-center gap-3 text-sm" onSubmit={(e) => e.preventDefault()} role="search" aria-label="Filter states">
          <label className="flex items-center gap-1">
            <span className="sr-only">Search states</span>
            <input type="search" placeholder="Search key, digest, holder…" value={text} onChange={(e) => setParam({ q: e.target.value })} className="w-64 rounded border border-slate-300 px-2 py-1" />
          </label>
          <FilterSelect label="Backend" value={backendFilter} onChange={(v) => setParam({ backend: v, workspace: null })} options={backends.map((b) => ({ value: b.id, label: b.name }))} />
          <FilterSelect label="Workspace" value={workspaceFilter} onChange={(v) => setParam({ workspace: v })} options={workspaceFilter && !workspaces.includes(workspaceFilter) ? [workspaceFilter, ...workspaces] : workspaces} />
          <FilterSelect label="Digest" value={statusFilter ?? ''} onChange={(v) => setParam({ status: v })} options={DIGEST_STATUSES.map((st) => ({ value: st, label: DIGEST_STATUS_LABEL[st] }))} emptyLabel="Any" />
          <FilterSelect label="Lock" value={lockedParam === '1' || lockedParam === '0' ? lockedParam : ''} onChange={(v) => setParam({ locked: v })} options={LOCK_OPTIONS} emptyLabel="Any" />
        </form>
      </PageHeader>

      <div role="group" aria-label="States per digest status" className="flex flex-wrap gap-2">
        {DIGEST_STATUSES.map((st) => (
          <button
            key={st}
            type="button"
            data-testid={`status-count-${st}`}
            aria-pressed={statusFilter === st}
            title={complete ? DIGEST_STATUS_TEXT[st] : `${DIGEST_STATUS_TEXT[st]} (not every backend was read: at least this many)`}
            onClick={() => setParam({ status: statusFilter === st ? null : st })}
            className={cn('min-w-[7rem] rounded-md border px-3 py-2 text-left', COUNT_STYLE[st], statusFilter === st && 'ring-2 ring-sky-500', counts[st] === 0 && 'border-dashed')}
          >
            <span className="block text-2xl font-semibold tabular-nums" data-testid="status-count-value">
              {complete ? counts[st] : counts[st] === 0 ? '—' : `${counts[st]}+`}
            </span>
            <span className="text-xs uppercase tracking-wide">{DIGEST_STATUS_LABEL[st]}</span>
          </button>
        ))}
      </div>

      <PostureAlerts backends={backends} />

      <BackendBanners backends={backends} reads={reads} what="states" />

      <ListBody backends={backends} reads={reads} what="states" empty={rows.length === 0} filtered={filtered} words={LIST_WORDS}>
        <div ref={tableRef}>
          <StateTable
            rows={visible}
            renderActions={(row) => (
              <DigestRepairAction
                target={row}
                backendId={row.backendId}
                backendName={row.backendName}
                bucket={row.bucket}
                disabledWhy={row.lastKnown ? `Backend ${row.backendName} could not be read since ${time.absolute(row.lastKnown)}: this digest may have changed.` : null}
              />
            )}
          />
        </div>
      </ListBody>
      <p className="flex items-center gap-3 text-xs text-slate-500">
        {visible.length === rows.length ? `${rows.length} state(s) shown.` : `${visible.length} of ${rows.length} state(s) shown.`}
        {visible.length > LAST_WRITER_ROWS ? ` Last writers are looked up for the first ${LAST_WRITER_ROWS}.` : ''}
        {visible.length < rows.length ? (
          <button type="button" onClick={() => setShowAll(true)} className={BUTTON.small}>
            Show all {rows.length}
          </button>
        ) : null}
      </p>
    </section>
  );
}
