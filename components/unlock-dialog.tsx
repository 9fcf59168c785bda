'use client';
import { ConfirmDialog, type MutationDialogProps } from './confirm-dialog';
import { CopyButton } from './copy-button';
import { DialogAlert } from './dialog-alert';
import { LivenessEvidence } from './liveness-badge';
import { LockDetails } from './lock-details';
import { UnlockDeletes } from './unlock-deletes';
import type { Lock } from '@/lib/api/locks';
import { cliUnlockCommand, operationLabel } from '@/lib/client/lock-words';
import type { LockStore } from '@/lib/client/unlock-deletions';

export { unlockDeletions, type LockStore } from '@/lib/client/unlock-deletions';

/** What the operator must type: the lock ID or its first 8 characters (`unlock` for a lock without ID). */
export function unlockConfirmationMatches(lock: Pick<Lock, 'id'>, typed: string): boolean {
  const t = typed.trim();
  if (lock.id === '') return t.toLowerCase() === 'unlock';
  return t === lock.id || (t.length === 8 && t === lock.id.slice(0, 8));
}

export interface UnlockDialogProps extends MutationDialogProps {
  /** The lock as the operator saw it when opening the dialog. */
  lock: Lock;
  backendName: string;
  store: LockStore;
  /** After a 409: what holds the lock now (null: nothing known). */
  conflict: { message: string; current: Lock | null } | null;
}

/**
 * Confirms a force-unlock: who holds the lock, a plain warning, a required reason, and the lock ID
 * typed back before the button is enabled.
 */
export function UnlockDialog({ open, onClose, lock, backendName, store, pending, error, conflict, onConfirm }: UnlockDialogProps) {
  const command = cliUnlockCommand(lock);
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title="Force-unlock this state?"
      testId="unlock-dialog"
      subject={{ key: lock.key, backendName }}
      token={{
        label: lock.id ? 'Type the lock ID, or its first 8 characters, to confirm' : 'This lock has no ID: type "unlock" to confirm',
        placeholder: lock.id ? lock.id.slice(0, 8) : 'unlock',
        matches: (typed) => unlockConfirmationMatches(lock, typed),
        missing: lock.id ? 'Type the lock ID (or its first 8 characters) to confirm.' : 'Type "unlock" to confirm.',
      }}
      confirmLabel="Force-unlock"
      pendingLabel="Unlocking…"
      pending={pending}
      blocked={conflict ? 'The lock changed: close this dialog and look again.' : null}
      closeLabel={conflict ? 'Close' : undefined}
      reasonPlaceholder="e.g. CI job 4711 was cancelled; its runner is gone"
      onConfirm={onConfirm}
    >
      <section data-testid="unlock-liveness" aria-label="Is the holder still running?" className={lock.liveness?.state === 'alive' ? 'rounded-md border border-red-300 bg-red-50 px-3 py-2' : 'rounded-md border border-slate-200 px-3 py-2'}>
        <p className="font-semibold">Is the holder still running?</p>
        <LivenessEvidence lock={lock} testId="unlock-liveness-evidence" />
        {lock.liveness?.state === 'alive' ? <p className="mt-1 font-semibold text-red-900">Its heartbeat is fresh: unlocking now lets a second run write this state while it is being applied.</p> : null}
      </section>
      <LockDetails lock={lock} testId="unlock-holder" liveness={false} />
      <div data-testid="unlock-deletes">
        <p className="font-semibold">Force-unlock deletes</p>
        <UnlockDeletes lock={lock} store={store} />
        <p className="mt-1 text-xs text-slate-600">Nothing else: the state, its versions and its digest are not touched. Each delete happens only if the lock is still exactly this one.</p>
      </div>
      {command ? (
        <div data-testid="unlock-cli">
          <p className="text-xs text-slate-600">Or the same with Terraform, from a shell in the configuration directory:</p>
          <p className="mt-1 flex flex-wrap items-center gap-2">
            <code className="font-mono text-xs [overflow-wrap:anywhere]">{command}</code>
            <CopyButton text={command} label="Copy CLI: copy this terraform command" caption="Copy CLI" />
          </p>
        </div>
      ) : null}
      <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
        <p className="font-semibold">A run may still be writing this state.</p>
        <p className="mt-1">
          Unlocking does not stop {lock.who ? <span className="font-mono">{lock.who}</span> : 'the holder'}. If that {lock.operation ? operationLabel(lock.operation) : 'run'} is still going, the next run can start while it
          writes, and the two can overwrite each other&apos;s state. Unlock only when you know the run is over (its job was cancelled, its machine is gone).
        </p>
      </div>
      {conflict ? (
        <DialogAlert testId="unlock-conflict" title="The lock changed: nothing was unlocked.">
          <p>{conflict.message}</p>
          {conflict.current ? (
            <>
              <p className="font-semibold">Held now by:</p>
              <LockDetails lock={conflict.current} testId="unlock-new-holder" />
            </>
          ) : null}
        </DialogAlert>
      ) : null}
      {error ? <DialogAlert error={error} /> : null}
    </ConfirmDialog>
  );
}
