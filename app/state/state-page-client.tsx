'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useMemo, useState } from 'react';
import { Badge } from '@/components/badge';
import { BUTTON } from '@/components/button';
import type { RestoreErrorView, RestoreSide } from '@/components/restore-dialog';
import type { PublicBackend } from '@/lib/api/backends';
import type { AppError } from '@/lib/api/errors';
import { announce } from '@/lib/client/action-notices';
import { useBackendReads } from '@/lib/client/backend-reads';
import { listedLockStatus } from '@/lib/client/lock-status';
import { useDiff } from '@/lib/queries/diff';
import { toClientError } from '@/lib/queries/fetch-json';
import { locksQuery } from '@/lib/queries/locks';
import { useRestoreVersion, type RestoreResponse } from '@/lib/queries/restore';
import { useConfirmedMutation, type ConfirmedMutation } from '@/lib/client/use-confirmed-mutation';
import { useRestoreMarks } from '@/lib/queries/restore-marks';
import { useCanMutate } from '@/lib/queries/session';
import { useVersionMetadata } from '@/lib/queries/version-metadata';
import { useVersions } from '@/lib/queries/versions';
import type { RestoreMarks, StateVersion } from '@/lib/api/versions';
import type { RestoreRecord } from '@/lib/terraform/attribution';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import { StateView } from './state-view';

// Loaded when first opened: dialogs are not part of the page's first-load JavaScript.
const RestoreDialog = dynamic(() => import('@/components/restore-dialog').then((m) => m.RestoreDialog), { ssr: false });

type RestoreVariables = Parameters<ReturnType<typeof useRestoreVersion>['mutate']>[0];

/** Newest versions whose "restored from" mark is looked up (one HeadObject each, cached for good). */
const MARKED_VERSIONS = 50;
const DIFF_PAGE = 50;

function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

/** The restores that recorded their operator, as attribution records (their operator is the writer). */
function restoreRecordsOf(marks: RestoreMarks | undefined): Record<string, RestoreRecord> {
  const out: Record<string, RestoreRecord> = {};
  for (const [versionId, r] of Object.entries(marks?.restoredBy ?? {})) {
    const from = marks?.marks[versionId];
    if (from) out[versionId] = { from, by: r.by, lockId: r.lockId };
  }
  return out;
}

function message(error: unknown): string {
  return toClientError(error)?.message ?? '';
}

function errorView(e: AppError | null): RestoreErrorView | null {
  if (!e) return null;
  const digest = e.code === 'digest_not_updated' ? e.details : null;
  return {
    code: e.code,
    message: e.message,
    changed: e.details.changed ?? null,
    setDigestTo: digest?.setDigestTo ?? null,
    digestItem: digest?.digestItem ?? null,
    forceUnlock: e.details.forceUnlock ?? null,
  };
}

/** The restore's confirmation in the page: what was written, and the lock left behind if any (then amber). */
function announceRestore(backend: PublicBackend, stateKey: string, restored: RestoreResponse): void {
  const lockLeft = restored.lock.released ? null : restored.lock;
  announce({
    tone: lockLeft ? 'warning' : 'success',
    title: `Restored ${stateKey} (backend ${backend.name}).`,
    lines: [
      `Version ${shortId(restored.restoredFrom)} was restored as the new version ${shortId(restored.versionId)}${restored.serialBumped ? ` with serial ${restored.serial}` : ' (encrypted: copied unchanged, serial not bumped)'}${restored.digest ? `; digest set to ${restored.digest}` : ''}. The next terraform plan shows the drift from real infrastructure.`,
      ...restored.warnings,
      ...(lockLeft ? [`The lock Lockboard took (ID ${lockLeft.id}) could not be released: ${lockLeft.reason} Release it with:`] : []),
    ],
    command: lockLeft?.forceUnlock ?? null,
    audit: [{ backend: backend.id, id: restored.auditId }],
    testId: 'restore-result',
  });
}

/** The dialog with its data: metadata of both ends, the masked diff now → chosen, the mutation. */
function RestoreFlow({
  backend,
  stateKey,
  chosen,
  current,
  flow,
  pollMs,
  onRestored,
}: {
  backend: PublicBackend;
  stateKey: string;
  chosen: StateVersion;
  current: StateVersion;
  flow: ConfirmedMutation<unknown, RestoreVariables, RestoreResponse>;
  pollMs: number;
  onRestored: (result: RestoreResponse) => void;
}) {
  const [diffOffset, setDiffOffset] = useState(0);
  const metaIds = current.deleteMarker ? [chosen.versionId] : [chosen.versionId, current.versionId];
  const meta = useVersionMetadata(backend.id, stateKey, metaIds);
  const diff = useDiff(backend.id, stateKey, current.deleteMarker ? null : { from: current.versionId, to: chosen.versionId, offset: diffOffset, limit: DIFF_PAGE });
  // The state's lock, read again on opening and every poll while the dialog is open (the holder card's query).
  const locks = useQuery(locksQuery(backend.id, pollMs));
  const [locksRead] = useBackendReads([backend.id], [locks]);
  const lock = locksRead!.data?.locks.find((l) => l.key === stateKey) ?? null;

  const side = (v: StateVersion, i: number): RestoreSide => {
    const m = v.deleteMarker ? undefined : meta[i]?.data?.metadata;
    return { versionId: v.versionId, lastModified: v.lastModified, serial: m?.serial ?? null, lineage: m?.lineage ?? null, kind: m?.kind ?? null, deleteMarker: v.deleteMarker };
  };

  return (
    <RestoreDialog
      open
      onClose={flow.close}
      stateKey={stateKey}
      backendName={backend.name}
      chosen={side(chosen, 0)}
      current={side(current, 1)}
      metadataLoading={meta.some((r) => r.isPending)}
      lockCheck={{ status: listedLockStatus(lock, locksRead!), lock, reading: locksRead!.status === 'loading', pollSeconds: Math.round(pollMs / 1000) }}
      diff={diff.data}
      diffLoading={diff.isFetching}
      diffError={diff.error ? message(diff.error) : null}
      diffStale={diff.isPlaceholderData}
      onDiffPage={setDiffOffset}
      pending={flow.pending}
      error={errorView(flow.error)}
      onConfirm={({ reason, allowLineageChange }) =>
        flow.confirm({ versionId: chosen.versionId, expectedCurrentVersionId: current.versionId, reason, ...(allowLineageChange ? { allowLineageChange } : {}) }, onRestored)
      }
    />
  );
}

/**
 * The state page with restore: "Restore version" on older versions (only for callers the
 * server says may change things: never in read-only mode; the server checks again anyway), the
 * restore dialog, and the "restored from" mark on versions Lockboard wrote by restoring.
 */
export function RestorableStateView({ backend, stateKey, pollMs }: { backend: PublicBackend; stateKey: string; pollMs: number }) {
  const canMutate = useCanMutate(backend.id, stateKey);
  // Same query (and cache entry) as the timeline's plain listing.
  const versions = useVersions(backend.id, stateKey, { pollMs: Math.max(pollMs, 15_000) });
  const list = versions.data?.versions ?? [];
  const latest = list.find((v) => v.isLatest) ?? null;
  const markIds = list
    .filter((v) => !v.deleteMarker)
    .slice(0, MARKED_VERSIONS)
    .map((v) => v.versionId);
  const marks = useRestoreMarks(backend.id, stateKey, markIds);
  const restoreRecords = useMemo(() => restoreRecordsOf(marks.data), [marks.data]);
  const flow = useConfirmedMutation(useRestoreVersion(backend.id, stateKey));
  const target = flow.target as { chosen: StateVersion; current: StateVersion } | null;
  // A frozen state is held on purpose: nothing is restored over it until it is unfrozen (same query as the holder card).
  const locks = useQuery(locksQuery(backend.id, pollMs));
  const lock = locks.data?.locks.find((l) => l.key === stateKey) ?? null;
  const freeze = lock ? freezeOf(lock) : null;
  const restorable = canMutate && versions.data?.versioning === 'Enabled' && latest !== null && freeze === null;

  function renderActions(v: StateVersion) {
    const from = marks.data?.marks[v.versionId];
    const offer = restorable && !v.deleteMarker && !v.isLatest;
    if (!from && !offer) return null;
    return (
      <div className="flex flex-col items-start gap-1">
        {from ? (
          <span data-testid="restored-from" data-restored-from={from} title={`Lockboard restored version ${from} as this version`}>
            <Badge tone="blue">restored from {shortId(from)}</Badge>
          </span>
        ) : null}
        {offer ? (
          <button
            type="button"
            onClick={() => latest && flow.open({ chosen: v, current: latest })}
            aria-label={`Restore version ${v.versionId}`}
            className={BUTTON.action}
          >
            Restore version
          </button>
        ) : null}
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <StateView
        backend={backend}
        stateKey={stateKey}
        pollMs={pollMs}
        renderVersionActions={renderActions}
        restoreRecords={restoreRecords}
        versionsNote={canMutate && freeze ? `Frozen by ${freeze.frozenBy}: no version can be restored until the state is unfrozen.` : null}
      />
      {target ? (
        <RestoreFlow
          key={flow.openings}
          backend={backend}
          stateKey={stateKey}
          chosen={target.chosen}
          current={target.current}
          flow={flow}
          pollMs={pollMs}
          onRestored={(restored) => announceRestore(backend, stateKey, restored)}
        />
      ) : null}
    </div>
  );
}
