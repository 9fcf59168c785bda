'use client';
import { ConfirmDialog, type MutationDialogProps } from './confirm-dialog';
import { DialogAlert } from './dialog-alert';
import { PathText } from './path-text';
import type { Lock } from '@/lib/api/locks';
import { freezeOf } from '@/lib/terraform/freeze-lock';

export interface UnfreezeDialogProps extends MutationDialogProps {
  lock: Lock;
  backendName: string;
}

/** Confirms an unfreeze: whose freeze and why, a required reason; the server releases it only if it is still this freeze. */
export function UnfreezeDialog({ open, onClose, lock, backendName, pending, error, onConfirm }: UnfreezeDialogProps) {
  const freeze = freezeOf(lock);
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title="Unfreeze this state?"
      testId="unfreeze-dialog"
      subject={{ key: lock.key, backendName }}
      confirmLabel="Unfreeze"
      pendingLabel="Unfreezing…"
      pending={pending}
      reasonPlaceholder="e.g. the payments DB repair is done"
      onConfirm={onConfirm}
    >
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] [overflow-wrap:anywhere] gap-x-4 gap-y-1">
        <dt className="text-slate-500">Frozen by</dt>
        <dd className="font-mono text-xs [overflow-wrap:anywhere]">{freeze?.frozenBy ?? lock.who}</dd>
        <dt className="text-slate-500">Why</dt>
        <dd className="[overflow-wrap:anywhere]">{freeze?.reason ?? lock.info}</dd>
        <dt className="text-slate-500">Lock ID</dt>
        <dd className="font-mono text-xs">
          <PathText text={lock.id} />
        </dd>
      </dl>
      <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
        Terraform runs can take this state&apos;s lock again as soon as the freeze is released. It is released only if it is still exactly this freeze; a lock someone took meanwhile is
        left alone.
      </p>
      {error ? <DialogAlert error={error} /> : null}
    </ConfirmDialog>
  );
}
