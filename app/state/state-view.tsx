'use client';
import dynamic from 'next/dynamic';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState, type ReactNode } from 'react';
import { Badge } from '@/components/badge';
import { CopyButton } from '@/components/copy-button';
import { DigestBadge } from '@/components/digest-badge';
import { DigestExplanation } from '@/components/digest-explanation';
import { ErrorBanner, Notice } from '@/components/error-banner';
import { HolderCard } from '@/components/holder-card';
import { LastKnown } from '@/components/last-known';
import { PathText } from '@/components/path-text';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import type { CompareRole, VersionMetaState } from '@/components/version-timeline';
import { versionCount } from '@/lib/client/version-count';
import type { PublicBackend } from '@/lib/api/backends';
import { backendApiUrl } from '@/lib/api/urls';
import { useBackendReads, type BackendRead } from '@/lib/client/backend-reads';
import type { StatesResult } from '@/lib/api/states';
import { formatBytes } from '@/lib/client/format';
import { useTimeFormat } from '@/lib/client/use-time';
import { TimeText } from '@/components/time-text';
import { listedLockStatus } from '@/lib/client/lock-status';
import { useDiff } from '@/lib/queries/diff';
import { toClientError } from '@/lib/queries/fetch-json';
import { locksQuery } from '@/lib/queries/locks';
import { useCanDownload } from '@/lib/queries/session';
import { statesQuery } from '@/lib/queries/states';
import { useVersionMetadata } from '@/lib/queries/version-metadata';
import { useVersions } from '@/lib/queries/versions';
import type { StateVersion } from '@/lib/api/versions';
import { withRestoreRecord, type RestoreRecord } from '@/lib/terraform/attribution';
import { explainDigest } from '@/lib/terraform/digest';
import { workspaceOfKey } from '@/lib/terraform/paths';
import { useUrlParams } from '@/lib/client/use-url-params';

// These render only once their data has arrived, so their code need not be in the first load.
const VersionTimeline = dynamic(() => import('@/components/version-timeline').then((m) => m.VersionTimeline), { ssr: false });
const DiffView = dynamic(() => import('@/components/diff-view').then((m) => m.DiffView), { ssr: false });
const DigestRepairAction = dynamic(() => import('../_components/digest-repair-action').then((m) => m.DigestRepairAction), { ssr: false });
const FreezeAction = dynamic(() => import('../_components/freeze-action').then((m) => m.FreezeAction), { ssr: false });
const UnfreezeAction = dynamic(() => import('../_components/freeze-action').then((m) => m.UnfreezeAction), { ssr: false });
const UnlockAction = dynamic(() => import('../_components/unlock-action').then((m) => m.UnlockAction), { ssr: false });

const TIMELINE_PAGE = 20;
const DIFF_PAGE = 50;
/** Versions this large load their serial only on request (each read downloads the version). */
const LARGE_BYTES = 5 * 1024 * 1024;

function message(error: unknown): string {
  return toClientError(error)?.message ?? '';
}

function DigestPanel({ backend, stateKey, read, deleted }: { backend: PublicBackend; stateKey: string; read: BackendRead<StatesResult>; deleted: boolean }) {
  const time = useTimeFormat();
  const entry = read.data?.states.find((s) => s.key === stateKey);
  const lastKnown = read.status === 'stale' ? read.fetchedAt : null;
  const explanation = entry ? explainDigest({ status: entry.digestStatus, bucket: backend.bucket, key: entry.key, digest: entry.digest, calculatedMd5: entry.calculatedMd5 ?? null, objectEmpty: entry.size === 0 }) : null;
  return (
    <section aria-labelledby="digest-heading" data-testid="digest-panel" className="rounded-md border border-slate-200 bg-white p-4 text-sm">
      <h2 id="digest-heading" className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">
        Digest
      </h2>
      {read.status === 'failed' ? (
        <p className="text-red-800">The digest could not be read: {read.errors[0]?.message}</p>
      ) : read.status === 'loading' ? (
        <p className="text-slate-500">Loading…</p>
      ) : !entry ? (
        <p className="text-slate-600">
          {deleted ? 'The state is deleted (its latest version is a delete marker): there is no current object to check.' : 'This key is not in the current listing of states (deleted, or not a state object).'}
        </p>
      ) : (
        <div className="space-y-2">
          {lastKnown ? <LastKnown at={lastKnown} /> : null}
          <DigestBadge status={entry.digestStatus} reason={entry.digestReason} />
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] [overflow-wrap:anywhere] gap-x-4 gap-y-1">
            <dt className="text-slate-500">Stored digest</dt>
            <dd className="font-mono text-xs">{entry.digest ?? (entry.digestStatus === 'not_applicable' ? 'none by design (lock files only)' : '(no digest item)')}</dd>
            <dt className="text-slate-500">Object MD5</dt>
            <dd className="font-mono text-xs">{entry.calculatedMd5 ?? '—'}</dd>
            <dt className="text-slate-500">Current object</dt>
            <dd className="text-xs">
              {entry.size === null ? (
                '(none)'
              ) : (
                <>
                  {formatBytes(entry.size)} · {entry.lastModified ? <TimeText at={entry.lastModified} /> : '—'}
                </>
              )}
            </dd>
          </dl>
          {entry.digestReason ? <p className="text-xs text-slate-600">{entry.digestReason}</p> : null}
          <DigestRepairAction
            target={entry}
            backendId={backend.id}
            backendName={backend.name}
            bucket={backend.bucket}
            disabledWhy={lastKnown ? `Backend ${backend.name} could not be read since ${time.absolute(lastKnown)}: the digest may have changed.` : null}
          />
          {explanation ? <DigestExplanation explanation={explanation} subject={entry.key} /> : null}
        </div>
      )}
    </section>
  );
}

/**
 * The state page: current lock and holder, digest health, version timeline with writers, and the
 * diff of two selected versions (latest vs previous by default, kept in the URL).
 */
export function StateView({
  backend,
  stateKey,
  pollMs,
  renderVersionActions,
  restoreRecords,
  versionsNote = null,
}: {
  backend: PublicBackend;
  stateKey: string;
  pollMs: number;
  renderVersionActions?: (version: StateVersion) => ReactNode;
  /** Versions a Lockboard restore wrote (by version ID): their operator is the writer. */
  restoreRecords?: Readonly<Record<string, RestoreRecord>>;
  /** Why an action on the versions is not offered now (e.g. the state is frozen), shown above the timeline. */
  versionsNote?: string | null;
}) {
  const { params, setParams } = useUrlParams();
  // Raw downloads carry plaintext secrets: offered only to callers with the stateReader role here.
  const canDownload = useCanDownload(backend.id, stateKey);
  const [timelinePage, setTimelinePage] = useState(0);
  const [diffOffset, setDiffOffset] = useState(0);
  const [requested, setRequested] = useState<ReadonlySet<string>>(new Set());
  // The pick is kept here (so a radio answers at once) and mirrored into the URL (deep links).
  const [picked, setPicked] = useState<{ from: string | null; to: string | null }>(() => ({ from: params.get('from'), to: params.get('to') }));

  const locks = useQuery(locksQuery(backend.id, pollMs));
  const [locksRead] = useBackendReads([backend.id], [locks]);
  const states = useQuery(statesQuery(backend.id, pollMs));
  const [statesRead] = useBackendReads([backend.id], [states]);
  const stateEntry = statesRead!.data?.states.find((s) => s.key === stateKey) ?? null;
  // The digest names one content: the object listed with it (matched by ETag in the timeline).
  const digestEvidence = stateEntry ? { etag: stateEntry.etag, fails: stateEntry.digestStatus === 'mismatch' } : null;
  const time = useTimeFormat();
  const lock = locksRead!.data?.locks.find((l) => l.key === stateKey) ?? null;
  const lockLastKnown = locksRead!.status === 'stale' ? locksRead!.fetchedAt : null;

  const historyPollMs = Math.max(pollMs, 15_000);
  const plain = useVersions(backend.id, stateKey, { pollMs: historyPollMs });
  const withWriters = useVersions(backend.id, stateKey, { writers: true, pollMs: historyPollMs });

  // The plain listing is fast; writers join in by version ID when they arrive.
  const versions = useMemo<StateVersion[]>(() => {
    const base = plain.data?.versions ?? withWriters.data?.versions ?? [];
    const writers = new Map((withWriters.data?.versions ?? []).map((v) => [v.versionId, v]));
    return base.map((v) => {
      const w = writers.get(v.versionId);
      if (!w) return v;
      const a = withRestoreRecord({ writer: w.writer ?? null, basis: w.attribution ?? 'none' }, restoreRecords?.[v.versionId]);
      return { ...v, writer: a.writer, attribution: a.basis };
    });
  }, [plain.data, withWriters.data, restoreRecords]);
  const contentVersions = useMemo(() => versions.filter((v) => !v.deleteMarker), [versions]);
  // The latest entry is a delete marker: the state is deleted (there is no current version).
  const deleted = versions.find((v) => v.isLatest)?.deleteMarker === true;
  const markers = versions.length - contentVersions.length;

  const from = picked.from ?? contentVersions[1]?.versionId ?? null;
  const to = picked.to ?? contentVersions[0]?.versionId ?? null;

  function select(role: CompareRole, versionId: string) {
    const next = { from: role === 'from' ? versionId : from, to: role === 'to' ? versionId : to };
    setDiffOffset(0);
    setPicked(next);
    setParams(next);
  }

  const visible = versions.slice(timelinePage * TIMELINE_PAGE, (timelinePage + 1) * TIMELINE_PAGE).filter((v) => !v.deleteMarker);
  const metadataIds = visible.filter((v) => v.size < LARGE_BYTES || requested.has(v.versionId)).map((v) => v.versionId);
  const metadataResults = useVersionMetadata(backend.id, stateKey, metadataIds);
  const metadata: Record<string, VersionMetaState> = {};
  metadataIds.forEach((id, i) => {
    const r = metadataResults[i];
    if (!r) return;
    metadata[id] = r.data ? { status: 'ready', metadata: r.data.metadata } : r.error ? { status: 'error', error: message(r.error) } : { status: 'loading' };
  });

  const diff = useDiff(backend.id, stateKey, from && to && from !== to ? { from, to, offset: diffOffset, limit: DIFF_PAGE } : null);
  const listing = plain.data ?? withWriters.data;
  const workspace = workspaceOfKey(stateKey, backend.workspaceKeyPrefix);

  return (
    <section aria-labelledby="state-heading" className="space-y-5">
      <div className="space-y-1">
        <p className="text-xs text-slate-500">
          <Link href="/states" className="underline">
            States
          </Link>{' '}
          / {backend.name}
        </p>
        <h1 id="state-heading" className="font-mono text-xl font-semibold">
          <PathText text={stateKey} />
        </h1>
        <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
          <Badge tone="blue" title="Terraform workspace">
            {workspace}
          </Badge>
          {deleted ? (
            <span data-testid="state-deleted">
              <Badge tone="amber" title="The latest entry of this key is a delete marker">
                deleted
              </Badge>
            </span>
          ) : null}
          <span className="min-w-0">
            <PathText text={`s3://${backend.bucket}/${stateKey}`} />
          </span>
          <CopyButton text={stateKey} label="Copy the state key" />
        </div>
      </div>

      <div className="grid gap-4 md:grid-cols-2">
        <HolderCard lock={lock} status={listedLockStatus(lock, locksRead!, time.absolute)} loading={locksRead!.status === 'loading'} lastKnown={lockLastKnown}>
          {!lock ? (
            <FreezeAction backends={[backend]} fixedKey={stateKey} />
          ) : freezeOf(lock) ? (
            <UnfreezeAction lock={lock} backendId={backend.id} backendName={backend.name} />
          ) : (
            <UnlockAction
              lock={lock}
              backend={backend}
              disabledWhy={lockLastKnown ? `Backend ${backend.name} could not be read since ${time.absolute(lockLastKnown)}: this lock may have changed.` : null}
            />
          )}
          {lockLastKnown ? <p className="text-xs text-slate-600">Unlock is disabled until the lock can be read again.</p> : null}
        </HolderCard>
        <DigestPanel backend={backend} stateKey={stateKey} read={statesRead!} deleted={deleted} />
      </div>

      <section aria-labelledby="versions-heading" className="space-y-2">
        <h2 id="versions-heading" className="text-lg font-semibold">
          Versions
        </h2>
        {plain.error ? <ErrorBanner title="The version history could not be read" message={message(plain.error)} code={toClientError(plain.error)?.code} /> : null}
        {listing && listing.versioning !== 'Enabled' ? (
          <Notice>
            Versioning is {listing.versioning === 'Suspended' ? 'suspended' : 'not enabled'} on bucket {backend.bucket}: S3 keeps no (new) history of this state, so older versions cannot be
            listed, compared or restored.
          </Notice>
        ) : null}
        {versionsNote ? (
          <p data-testid="versions-note" className="text-sm text-sky-900">
            {versionsNote}
          </p>
        ) : null}
        {withWriters.data?.lockHistory?.note ? <p className="text-xs text-slate-600">{withWriters.data.lockHistory.note}</p> : null}
        {withWriters.error ? <p className="text-xs text-amber-800">Writers could not be determined: {message(withWriters.error)}</p> : null}
        {plain.isPending && !listing ? (
          <p className="text-sm text-slate-500">Loading versions…</p>
        ) : versions.length > 0 ? (
          <VersionTimeline
            versions={versions}
            page={timelinePage}
            pageSize={TIMELINE_PAGE}
            onPage={setTimelinePage}
            metadata={metadata}
            largeBytes={LARGE_BYTES}
            onLoadMetadata={(id) => setRequested((prev) => new Set(prev).add(id))}
            writersLoading={withWriters.isPending}
            writerContext={{ lockTable: backend.dynamodbTable !== null, useLockfile: backend.useLockfile, lockHistoryEntries: withWriters.data?.lockHistory?.entries ?? null }}
            digestEvidence={digestEvidence}
            selection={{ from, to }}
            onSelect={select}
            downloadHref={canDownload ? (v) => backendApiUrl(backend.id, 'object', { key: stateKey, versionId: v.versionId }) : null}
            renderActions={renderVersionActions}
          />
        ) : null}
      </section>

      <section aria-labelledby="diff-heading" className="space-y-2">
        <h2 id="diff-heading" className="text-lg font-semibold">
          Changes
        </h2>
        {contentVersions.length < 2 && !picked.from ? (
          <p className="text-sm text-slate-500">
            {!listing
              ? plain.error
                ? 'The versions could not be read: there is nothing to compare.'
                : 'Reading the versions…'
              : contentVersions.length === 0
                ? `No version of this state exists${markers ? ` (the timeline lists ${versionCount(versions)})` : ''}: there is nothing to compare.`
                : markers
                  ? `The timeline lists ${versionCount(versions)}: with a single version there is nothing to compare yet.`
                  : 'Only one version exists: there is nothing to compare yet.'}
          </p>
        ) : from === to ? (
          <p className="text-sm text-slate-500">Pick two different versions to compare.</p>
        ) : (
          <DiffView diff={diff.data} loading={diff.isFetching} error={diff.error ? message(diff.error) : null} stale={diff.isPlaceholderData} onPage={setDiffOffset} />
        )}
      </section>
    </section>
  );
}
