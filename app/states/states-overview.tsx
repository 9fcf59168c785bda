'use client';
import { useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { BackendBanners, ListBody } from '@/components/backend-banner';
import { FilterSelect } from '@/components/filter-select';
import { PageHeader } from '@/components/page-header';
import { StateTable, stateRowKey, type LastWriterView, type RowExtras, type StateRow } from '@/components/state-table';
import type { PublicBackend } from '@/lib/api/backends';
import { cn } from '@/lib/client/cn';
import { refreshStatus, useBackendReads, type BackendRead } from '@/lib/client/backend-reads';
import { RowCache, searchText } from '@/lib/client/row-cache';
import { useWindowRows } from '@/lib/client/use-window-rows';
import { useTimeFormat } from '@/lib/client/use-time';
import { stateLockStatus } from '@/lib/client/lock-status';
import { statesQuery, type HeldState, type StatesResponse } from '@/lib/queries/states';
import { firstPageQuery } from '@/lib/queries/first-page';
import { PRELOADED_BACKENDS } from '@/lib/api/urls';
import type { ListingPage } from '@/lib/api/listing';
import { inventoryQuery } from '@/lib/queries/inventory';
import { lastWriterBatches, lastWritersQuery, type LastWriterTarget } from '@/lib/queries/last-writers';
import type { InventoryResponse, InventoryState } from '@/lib/api/inventory';
import { PostureAlerts } from '../_components/posture-alerts';
import { DIGEST_STATUSES, DIGEST_STATUS_LABEL, DIGEST_STATUS_TEXT, type DigestStatus } from '@/lib/terraform/digest';
import { useUrlParams } from '@/lib/client/use-url-params';
import { useReachedRows } from '@/lib/client/use-reached-rows';
import { firstPageNote } from '@/lib/client/first-page-note';
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

/** Last writers are looked up a batch at a time (one step of rows), as the rows come near the screen and the page rests. */
const LAST_WRITER_STEP = 50;
/** A state row's usual height (px) before it is measured. */
const ROW_ESTIMATE = 96;

const COUNT_STYLE: Record<DigestStatus, string> = {
  match: 'border-emerald-300 bg-emerald-50 text-emerald-900',
  mismatch: 'border-red-300 bg-red-50 text-red-900',
  orphan: 'border-red-300 bg-red-50 text-red-900',
  missing: 'border-slate-300 bg-white text-slate-800',
  unverified: 'border-amber-300 bg-amber-50 text-amber-900',
  not_applicable: 'border-slate-300 bg-white text-slate-800',
};

const NO_STATES: HeldState[] = [];
const LOOKING_UP: LastWriterView = { status: 'loading' };

function stateRowOf(state: HeldState, backend: PublicBackend, read: Pick<BackendRead<StatesResponse>, 'errors'>, lastKnown: string | null): StateRow {
  return {
    ...state,
    search: searchText([state.key, state.workspace, state.digest, state.lock?.who, state.lock?.id]),
    uid: `${backend.id}|${state.key}`,
    backendId: backend.id,
    backendName: backend.name,
    bucket: backend.bucket,
    lockStatus: stateLockStatus(state, backend, read),
    lastKnown,
  };
}

/** The inventory (contents of each state) is big at scale: asked for every 30 s here, 10 s while a pass runs, not every second. */
function slowInventory(backendId: string, pollMs: number) {
  return { ...inventoryQuery(backendId, pollMs), refetchInterval: (q: { state: { data?: InventoryResponse } }) => (q.state.data?.progress.phase === 'indexing' || q.state.data?.progress.phase === 'idle' ? 10_000 : Math.max(pollMs, 30_000)) };
}

export function StatesOverview({ backends, pollMs, watchMs }: { backends: PublicBackend[]; pollMs: number; watchMs: number }) {
  const { params, setParams: setParam } = useUrlParams();
  const time = useTimeFormat();
  const text = params.get('q') ?? '';
  // Filtered in the keystroke's own render: one pass over the rows and only the rows near the screen
  // drawn (a deferred value cost a second render per key, more than the filtering itself).
  const needle = text.trim().toLowerCase();
  const backendFilter = params.get('backend') ?? '';
  const workspaceFilter = params.get('workspace') ?? '';
  const statusParam = params.get('status') ?? '';
  const statusFilter = (DIGEST_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as DigestStatus) : null;
  const lockedParam = params.get('locked');
  const lockedFilter = lockedParam === '1' ? true : lockedParam === '0' ? false : null;

  // The first backends' first page (a few kB, preloaded with the HTML) comes first and is shown while
  // their whole listing loads; the whole listing is asked for once the first page is in, so that the
  // server serialises 8 MB for it after the first rows, not before.
  const firstPages = useQueries({ queries: backends.map((b, i) => firstPageQuery<HeldState>(b.id, 'states', i < PRELOADED_BACKENDS)) });
  const results = useQueries({ queries: backends.map((b, i) => ({ ...statesQuery(b.id, pollMs), enabled: i >= PRELOADED_BACKENDS || firstPages[i]!.isFetched })) });
  const inventories = useQueries({ queries: backends.map((b) => slowInventory(b.id, pollMs)) });
  const inventoryStamp = inventories.map((r) => r.dataUpdatedAt).join();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when an inventory answer changes (the array itself is new each render)
  const contents = useMemo(() => new Map(backends.map((b, i) => [b.id, new Map<string, InventoryState>((inventories[i]!.data?.states ?? []).map((s) => [s.key, s]))])), [inventoryStamp, backends]);
  const reads = useBackendReads(backends.map((b) => b.id), results);
  const previews: Array<ListingPage<HeldState> | null> = reads.map((r, i) => (r.status === 'loading' ? (firstPages[i]!.data ?? null) : null));

  // Rows built once per listed state (a poll that changed nothing builds none), then filtered in one pass.
  const [cache] = useState(() => new RowCache<HeldState, StateRow>());
  const all = cache.join(
    reads.map((r, i) => {
      const backend = backends[i]!;
      const preview = previews[i];
      if (preview) return cache.rowsOf(backend.id, preview.rows, `first page|${preview.errors.map((e) => e.code).join()}`, (s) => stateRowOf(s, backend, preview, null));
      const lastKnown = r.status === 'stale' ? r.fetchedAt : null;
      return cache.rowsOf(backend.id, r.data?.states ?? NO_STATES, `${lastKnown}|${r.errors.map((e) => e.code).join()}`, (s) => stateRowOf(s, backend, r, lastKnown));
    }),
  );
  const previewNote = firstPageNote(backends, previews, 'states');
  const inBackend = useMemo(() => (backendFilter ? all.filter((s) => s.backendId === backendFilter) : all), [all, backendFilter]);
  const workspaces = useMemo(() => [...new Set(inBackend.map((s) => s.workspace))].sort(), [inBackend]);
  const { rows, counts } = useMemo(() => {
    // Counts follow every filter but the status one, so each count says what clicking it shows.
    const counts = Object.fromEntries(DIGEST_STATUSES.map((st) => [st, 0])) as Record<DigestStatus, number>;
    const rows: StateRow[] = [];
    const locked = lockedFilter === null ? null : lockedFilter ? 'locked' : 'free';
    for (const s of inBackend) {
      if ((workspaceFilter && s.workspace !== workspaceFilter) || (locked !== null && s.lockStatus.status !== locked) || (needle && !s.search.includes(needle))) continue;
      counts[s.digestStatus]++;
      if (!statusFilter || s.digestStatus === statusFilter) rows.push(s);
    }
    return { rows, counts };
  }, [inBackend, needle, workspaceFilter, lockedFilter, statusFilter]);
  // Counts are complete only when every backend in scope was read now.
  const complete = reads.every((r, i) => (backendFilter && backends[i]!.id !== backendFilter) || r.status === 'ok' || r.status === 'partial');
  const filtered = Boolean(text || backendFilter || workspaceFilter || statusFilter || lockedFilter !== null);

  // Only the rows near the screen are rendered; last writers are looked up for the steps of rows the
  // user rested on (and the step after), per backend in batches.
  const win = useWindowRows(rows, stateRowKey, ROW_ESTIMATE);
  const reached = useReachedRows(win.range, !win.scrolling, rows, LAST_WRITER_STEP);
  const batches = useMemo(() => {
    const out: Array<{ backendId: string; batch: LastWriterTarget[] }> = [];
    for (const step of [...reached].sort((a, b) => a - b)) {
      const byBackend = new Map<string, LastWriterTarget[]>();
      for (const row of rows.slice(step * LAST_WRITER_STEP, (step + 1) * LAST_WRITER_STEP)) {
        if (row.etag === null || row.size === null) continue;
        let list = byBackend.get(row.backendId);
        if (!list) byBackend.set(row.backendId, (list = []));
        list.push({ key: row.key, etag: row.etag });
      }
      for (const [backendId, targets] of byBackend) for (const batch of lastWriterBatches(targets)) out.push({ backendId, batch });
    }
    return out;
  }, [rows, reached]);
  const writerResults = useQueries({ queries: batches.map((b) => lastWritersQuery(b.backendId, b.batch)) });
  const writerStamp = writerResults.map((r) => `${r.dataUpdatedAt}:${r.errorUpdatedAt}:${r.status}`).join();
  const views = useMemo(() => {
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
    return views;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when a last-writers answer changes (the results array itself is new each render)
  }, [batches, backends, writerStamp]);
  // What is fetched per row joins the rows rendered only. A row not looked up yet is looked up once the page rests with it near the screen.
  const extras = useCallback(
    (row: StateRow): RowExtras => ({
      contents: contents.get(row.backendId)?.get(row.key),
      lastWriter: row.size === null ? undefined : (views.get(stateRowKey(row)) ?? LOOKING_UP),
    }),
    [contents, views],
  );
  const { absolute } = time;
  const renderActions = useCallback(
    (row: StateRow) => (
      <DigestRepairAction
        target={row}
        backendId={row.backendId}
        backendName={row.backendName}
        bucket={row.bucket}
        disabledWhy={row.lastKnown ? `Backend ${row.backendName} could not be read since ${absolute(row.lastKnown)}: this digest may have changed.` : null}
      />
    ),
    [absolute],
  );

  return (
    <section aria-labelledby="states-heading" className="space-y-4">
      <PageHeader id="states-heading" title="States and digests" refresh={refreshStatus(results, reads, pollMs, watchMs)}>
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

      {previewNote ? (
        <p className="text-sm text-slate-600" data-testid="first-page-note" role="status">
          {previewNote}
        </p>
      ) : null}
      <ListBody backends={backends} reads={reads} what="states" empty={rows.length === 0} filtered={filtered} words={LIST_WORDS}>
        <StateTable rows={rows} win={win} filter={needle} extras={extras} renderActions={renderActions} />
      </ListBody>
      <p className="text-xs text-slate-500" data-testid="states-shown">
        {rows.length} state(s) shown.{rows.length > 0 ? ' Only the rows near the screen are drawn; the filter searches them all.' : ''}
      </p>
    </section>
  );
}
