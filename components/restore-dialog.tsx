'use client';
import { useEffect, useRef, useState } from 'react';
import { Badge } from './badge';
import { CopyButton } from './copy-button';
import { DiffView } from './diff-view';
import { ConfirmDialog } from './confirm-dialog';
import { DialogAlert } from './dialog-alert';
import { LockDetails } from './lock-details';
import type { LockStatus } from '@/lib/client/lock-status';
import { TimeText } from './time-text';
import type { DiffResult } from '@/lib/api/diff';
import type { Lock } from '@/lib/api/locks';
import type { RestoreChanged } from '@/lib/api/restore';
import type { StateKind } from '@/lib/api/versions';

/** One end of the restore: the version chosen, or the current one. */
export interface RestoreSide {
  versionId: string;
  lastModified: string | null;
  /** From the version's metadata (null while loading or unknown). */
  serial: number | null;
  lineage: string | null;
  kind: StateKind | null;
  /** The current "version" is a delete marker: the state was deleted. */
  deleteMarker?: boolean;
}

/** What a failed restore says it did (the server's `changed`; `lockTaken` absent from older servers: unknown). */
export type RestoreChangedView = Omit<RestoreChanged, 'lockTaken'> & Partial<Pick<RestoreChanged, 'lockTaken'>>;

export interface RestoreErrorView {
  code: string;
  message: string;
  changed?: RestoreChangedView | null;
  setDigestTo?: string | null;
  digestItem?: string | null;
  forceUnlock?: string | null;
}

/** The typed confirmation: the exact state key (surrounding spaces forgiven). */
export function restoreConfirmationMatches(stateKey: string, typed: string): boolean {
  return typed.trim() === stateKey;
}

/** Serial of the restored document as the dialog announces it; null when it cannot be bumped or is not known yet. */
export function plannedSerial(current: Pick<RestoreSide, 'serial' | 'deleteMarker'>, chosen: Pick<RestoreSide, 'serial' | 'kind'>): { from: number; to: number } | null {
  if (chosen.kind === 'encrypted') return null;
  const base = current.deleteMarker ? chosen.serial : (current.serial ?? chosen.serial);
  return base === null ? null : { from: base, to: base + 1 };
}

/** Both lineages known and different: the restore needs the explicit override. */
export function lineageDiffers(current: Pick<RestoreSide, 'lineage'>, chosen: Pick<RestoreSide, 'lineage'>): boolean {
  return !!current.lineage && !!chosen.lineage && current.lineage !== chosen.lineage;
}

/** What a failed restore says about the lock it took (or did not take). */
export function restoreLockSentence(c: Pick<RestoreChangedView, 'lockTaken' | 'lockReleased'>): string {
  if (c.lockTaken === false) return 'Lockboard had not taken a lock yet (the state was locked first), so there was none to release.';
  return c.lockReleased ? 'The lock Lockboard took was released.' : 'The lock Lockboard took could NOT be released.';
}

/** The lock of the state as last read, and what it allows: the restore takes its own lock, so a held one refuses it. */
export interface RestoreLockCheck {
  status: LockStatus;
  lock: Lock | null;
  /** The first read of the lock is still running. */
  reading: boolean;
  /** How often it is read again while the dialog is open. */
  pollSeconds: number;
}

/** Whether the dialog can offer the restore: `unavailable` (no button) while locked, `blocked` while not read yet. */
export function restoreLockGate(check: Pick<RestoreLockCheck, 'status' | 'reading'>): { unavailable: string | null; blocked: string | null } {
  if (check.status.status === 'locked') return { unavailable: 'The state is locked: restore once the lock is released.', blocked: null };
  if (check.reading) return { unavailable: null, blocked: 'Checking whether the state is locked…' };
  return { unavailable: null, blocked: null };
}

function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

function Changed({ error }: { error: RestoreErrorView }) {
  const c = error.changed;
  if (!c) return null;
  return (
    <ul data-testid="restore-changed" className="mt-2 list-disc space-y-0.5 pl-5">
      <li>
        {c.objectWritten === null ? 'Whether a new version was written could not be determined: check the history.' : c.objectWritten ? `A new version WAS written: ${c.newVersionId ?? '(unknown ID)'}.` : 'No new version was written.'}
      </li>
      {c.objectWritten ? <li>{c.digestUpdated ? 'The digest was updated.' : 'The digest was NOT updated.'}</li> : null}
      <li>{restoreLockSentence(c)}</li>
      {error.setDigestTo ? (
        <li className="flex flex-wrap items-center gap-2">
          Set the digest{error.digestItem ? <> of <code className="font-mono text-xs">{error.digestItem}</code></> : null} to <code className="font-mono text-xs">{error.setDigestTo}</code>
          <CopyButton text={error.setDigestTo} label="Copy the digest value to set" />
        </li>
      ) : null}
      {error.forceUnlock ? (
        <li className="flex flex-wrap items-center gap-2">
          <code className="font-mono text-xs">{error.forceUnlock}</code>
          <CopyButton text={error.forceUnlock} label="Copy the force-unlock command" />
        </li>
      ) : null}
    </ul>
  );
}

export interface RestoreDialogProps {
  open: boolean;
  onClose: () => void;
  stateKey: string;
  backendName: string;
  chosen: RestoreSide;
  current: RestoreSide;
  /** The metadata (serial, lineage, kind) of the two versions is still loading. */
  metadataLoading: boolean;
  lockCheck: RestoreLockCheck;
  diff: DiffResult | undefined;
  diffLoading: boolean;
  diffError: string | null;
  diffStale: boolean;
  onDiffPage: (offset: number) => void;
  pending: boolean;
  error: RestoreErrorView | null;
  onConfirm: (input: { reason: string; allowLineageChange: boolean }) => void;
}

/**
 * Confirms a restore: what the state will contain compared with now (the masked diff), the serial
 * change, the lineage check, a reminder that only the state changes, a required reason and the state
 * key typed back. Built on the native modal dialog: keyboard only works (Tab stays inside, Esc closes).
 */
export function RestoreDialog(props: RestoreDialogProps) {
  const { open, onClose, stateKey, backendName, chosen, current, metadataLoading, lockCheck, pending, error, onConfirm } = props;
  const gate = restoreLockGate(lockCheck);
  const [allowLineage, setAllowLineage] = useState(false);
  const serial = plannedSerial(current, chosen);
  const differs = lineageDiffers(current, chosen);
  const blocked = gate.blocked ?? (metadataLoading ? 'Reading the serial and lineage of both versions…' : differs && !allowLineage ? 'The lineage differs: tick "Restore it anyway" first.' : null);
  // The holder and why the restore is blocked come first: focused when the dialog opens locked (instead
  // of the reason field further down, which scrolled them out of view), scrolled to when a lock appears later.
  const locked = lockCheck.status.status === 'locked';
  const lockedRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (locked) lockedRef.current?.scrollIntoView({ block: 'nearest' });
  }, [locked]);

  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title="Restore this version?"
      testId="restore-dialog"
      wide
      subject={{ key: stateKey, backendName }}
      token={{ label: 'Type the state key to confirm', placeholder: stateKey, matches: (typed) => restoreConfirmationMatches(stateKey, typed), missing: 'Type the state key to confirm.' }}
      confirmLabel="Restore version"
      pendingLabel="Restoring…"
      pending={pending}
      blocked={blocked}
      unavailable={gate.unavailable}
      reasonPlaceholder="e.g. apply 4711 wrote a broken state; going back to the state before it"
      onConfirm={(reason) => onConfirm({ reason, allowLineageChange: differs && allowLineage })}
    >
      {locked ? (
        <div ref={lockedRef} role="alert" tabIndex={-1} data-autofocus data-testid="restore-locked" className="space-y-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
          <p className="font-semibold">This state is locked: it cannot be restored now.</p>
          <p>
            A restore takes the Terraform lock itself, so it waits for this lock to be released. This dialog reads the lock again every {lockCheck.pollSeconds} s and offers the restore
            once the state is free.
          </p>
          {lockCheck.lock ? (
            <div className="rounded border border-red-200 bg-white px-3 py-2 text-slate-900">
              <LockDetails lock={lockCheck.lock} testId="restore-holder" />
            </div>
          ) : null}
        </div>
      ) : lockCheck.status.status === 'unknown' && !gate.blocked ? (
        <p data-testid="restore-lock-unknown" className="rounded-md border border-slate-300 bg-slate-50 px-3 py-2 text-slate-800">
          Whether the state is locked is unknown ({lockCheck.status.why}). The restore takes its own lock and is refused if someone holds one.
        </p>
      ) : null}

      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] [overflow-wrap:anywhere] gap-x-4 gap-y-1">
        <dt className="text-slate-500">Restore</dt>
        <dd>
          version <code className="font-mono text-xs">{shortId(chosen.versionId)}</code>
          {chosen.lastModified ? <span className="text-slate-500"> · written <TimeText at={chosen.lastModified} /></span> : null}
          {chosen.serial !== null ? <span className="text-slate-500"> · serial {chosen.serial}</span> : null}
        </dd>
        <dt className="text-slate-500">Over</dt>
        <dd>
          {current.deleteMarker ? (
            <Badge tone="amber">the state is deleted (delete marker)</Badge>
          ) : (
            <>
              current version <code className="font-mono text-xs">{shortId(current.versionId)}</code>
              {current.serial !== null ? <span className="text-slate-500"> · serial {current.serial}</span> : null}
            </>
          )}
        </dd>
        <dt className="text-slate-500">Serial</dt>
        <dd data-testid="restore-serial">
          {metadataLoading ? (
            <span className="text-slate-500">reading…</span>
          ) : chosen.kind === 'encrypted' ? (
            <span>
              <Badge tone="blue">encrypted</Badge> The version is OpenTofu-encrypted: its bytes are copied unchanged and the serial cannot be bumped.
            </span>
          ) : serial ? (
            <span>
              <span className="font-mono">{serial.from}</span> → <span className="font-mono font-semibold">{serial.to}</span>
              <span className="text-slate-500"> (the restored copy gets the next serial, as terraform state push does)</span>
            </span>
          ) : (
            <span className="text-slate-500">unknown</span>
          )}
        </dd>
        <dt className="text-slate-500">Lineage</dt>
        <dd className="break-all font-mono text-xs" data-testid="restore-lineage">
          {metadataLoading ? '…' : differs ? `${current.lineage} → ${chosen.lineage}` : (chosen.lineage ?? current.lineage ?? '—')}
        </dd>
      </dl>

      {differs ? (
        <DialogAlert title="This version belongs to another state history (another lineage).">
          <p>terraform state push refuses this without -force. Restore it only if you mean to replace the state&apos;s history.</p>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={allowLineage} onChange={(e) => setAllowLineage(e.target.checked)} />
            Restore it anyway (the lineage changes)
          </label>
        </DialogAlert>
      ) : null}

      <div role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
        <p className="font-semibold">Only the state file changes: real infrastructure is not touched.</p>
        <p className="mt-1">
          The next <code className="font-mono">terraform plan</code> compares the restored state with what really exists and shows the drift: resources that reappear in the state but no longer
          exist are planned for creation; resources that disappear from the state keep running unmanaged, and if the configuration still declares them the plan proposes to create them again.
        </p>
      </div>

      <section aria-labelledby="restore-diff-heading" className="space-y-2">
        <h3 id="restore-diff-heading" className="font-semibold">
          The state after the restore, compared with now
        </h3>
        <p className="text-xs text-slate-600">
          <Badge tone="green">+ added</Badge> reappears in the state · <Badge tone="red">− removed</Badge> disappears from the state · <Badge tone="amber">~ changed</Badge> attributes go back.
          Sensitive values are masked. The serials below are those of the two versions compared{serial ? `; the restored copy itself gets serial ${serial.to}` : ''}.
        </p>
        {current.deleteMarker ? (
          <p className="text-slate-600">The state is currently deleted: everything in the chosen version reappears.</p>
        ) : (
          <div className="max-h-80 overflow-auto rounded-md border border-slate-200 p-2">
            <DiffView diff={props.diff} loading={props.diffLoading} error={props.diffError} stale={props.diffStale} onPage={props.onDiffPage} restorePreview />
          </div>
        )}
      </section>

      {error ? (
        <DialogAlert testId="restore-error" error={error}>
          <Changed error={error} />
        </DialogAlert>
      ) : null}
    </ConfirmDialog>
  );
}
