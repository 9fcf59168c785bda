'use client';
import { ConfirmDialog, type MutationDialogProps } from './confirm-dialog';
import { DialogAlert } from './dialog-alert';
import { PathText } from './path-text';
import { TimeText } from './time-text';
import { formatBytes } from '@/lib/client/format';
import type { DigestStatus } from '@/lib/api/states';
import { digestLockId } from '@/lib/terraform/paths';

export interface DigestRepairTarget {
  key: string;
  /** The raw stored Digest (null: no digest item). */
  digest: string | null;
  calculatedMd5?: string | null;
  digestStatus: DigestStatus;
  /** Object size (null: no object). */
  size: number | null;
  lastModified: string | null;
}

/** Setting the digest to the object's MD5, or deleting it when there is no usable object. */
export function digestRepairAction(target: Pick<DigestRepairTarget, 'size'>): 'set' | 'delete' {
  return target.size === null || target.size === 0 ? 'delete' : 'set';
}

/** What the operator types back: the first 8 characters of the stored digest (`repair` when there is none). */
export function digestConfirmationToken(target: Pick<DigestRepairTarget, 'digest'>): string {
  return target.digest ? target.digest.slice(0, 8) : 'repair';
}

export interface DigestRepairDialogProps extends MutationDialogProps {
  target: DigestRepairTarget;
  bucket: string;
  backendName: string;
  /** After a 409: why, and the digest stored now. */
  conflict: { message: string; currentDigest: string | null } | null;
}

/** Confirms a digest repair: what is stored, what will be written or deleted, a reason, the digest typed back. */
export function DigestRepairDialog({ open, onClose, target, bucket, backendName, pending, error, conflict, onConfirm }: DigestRepairDialogProps) {
  const action = digestRepairAction(target);
  const token = digestConfirmationToken(target);
  const item = digestLockId(bucket, target.key);

  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title={action === 'set' ? 'Set the digest to the current object?' : 'Delete the orphan digest?'}
      testId="digest-repair-dialog"
      subject={{ key: target.key, backendName }}
      token={{
        label: target.digest ? 'Type the first 8 characters of the stored digest to confirm' : 'Type "repair" to confirm',
        placeholder: token,
        matches: (typed) => typed.trim().toLowerCase() === token.toLowerCase() || (target.digest !== null && typed.trim() === target.digest),
        missing: target.digest ? 'Type the first 8 characters of the stored digest to confirm.' : 'Type "repair" to confirm.',
      }}
      confirmLabel={action === 'set' ? 'Set digest' : 'Delete digest'}
      pendingLabel="Repairing…"
      pending={pending}
      blocked={conflict ? 'Something changed: close this dialog and look again.' : null}
      closeLabel={conflict ? 'Close' : undefined}
      onConfirm={onConfirm}
    >
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] [overflow-wrap:anywhere] gap-x-4 gap-y-1">
        <dt className="text-slate-500">Digest item</dt>
        <dd className="font-mono text-xs">
          <PathText text={item} />
        </dd>
        <dt className="text-slate-500">Stored digest</dt>
        <dd className="font-mono text-xs" data-testid="repair-stored">
          {target.digest ?? '(none)'}
        </dd>
        <dt className="text-slate-500">State object</dt>
        <dd className="text-xs">
          {target.size === null ? '(none)' : formatBytes(target.size)}
          {target.size !== null && target.lastModified ? (
            <>
              {' · '}
              <TimeText at={target.lastModified} />
            </>
          ) : null}
        </dd>
        <dt className="text-slate-500">{action === 'set' ? 'New digest' : 'Change'}</dt>
        <dd className="font-mono text-xs" data-testid="repair-new">
          {action === 'set' ? (target.calculatedMd5 ?? 'the MD5 of the current object, computed when you confirm') : 'delete the digest item'}
        </dd>
      </dl>
      <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
        {action === 'set' ? (
          <p>
            Terraform will then accept <strong>the object that is in S3 now</strong> as the state. Do this only if it is the state you want (for example after an intended manual upload). If
            it is not, restore the right version instead.
          </p>
        ) : (
          <p>
            Do this only if the state was removed on purpose. If it was not, restore the state object instead: its MD5 must equal the stored digest.
          </p>
        )}
        <p className="mt-1">The change is made only if the digest and the object are still exactly as shown.</p>
      </div>
      {conflict ? (
        <DialogAlert testId="repair-conflict" title="Something changed: nothing was repaired.">
          <p>{conflict.message}</p>
          <p>
            Stored digest now: <span className="font-mono">{conflict.currentDigest ?? '(none)'}</span>
          </p>
        </DialogAlert>
      ) : null}
      {error ? <DialogAlert error={error} /> : null}
    </ConfirmDialog>
  );
}
