'use client';
import dynamic from 'next/dynamic';
import { BUTTON } from '@/components/button';
import { useCanMutate } from '@/lib/queries/session';
import { useUnlock } from '@/lib/queries/unlock';
import { useConfirmedMutation } from '@/lib/client/use-confirmed-mutation';
import type { Lock } from '@/lib/terraform/locks';

// Loaded when first opened: dialogs are not part of the page's first-load JavaScript.
const UnlockDialog = dynamic(() => import('@/components/unlock-dialog').then((m) => m.UnlockDialog), { ssr: false });

/**
 * The "Unlock" action of one lock and its confirmation dialog. Shown only to callers the server says
 * may mutate (never in read-only mode); the server checks again on the request itself. `disabledWhy`:
 * the lock shown is not known to be current (its backend could not be read again), with the reason.
 */
export function UnlockAction({ lock, backendId, backendName, disabledWhy }: { lock: Lock; backendId: string; backendName: string; disabledWhy?: string | null }) {
  const canMutate = useCanMutate(backendId, lock.key);
  const flow = useConfirmedMutation(useUnlock(backendId), 'lock_changed');
  // A lock of another bucket (shared table) belongs to another backend's configuration.
  if (!canMutate || lock.problems.includes('other_bucket')) return null;
  const target = flow.target as Lock | null;
  return (
    <>
      <button type="button" onClick={() => flow.open(lock)} disabled={!!disabledWhy} title={disabledWhy ?? undefined} aria-label={`Unlock ${lock.key}`} className={BUTTON.action}>
        Unlock
      </button>
      {target ? (
        <UnlockDialog
          key={flow.openings}
          open
          onClose={flow.close}
          lock={target}
          backendName={backendName}
          pending={flow.pending}
          error={flow.error}
          conflict={flow.conflict ? { message: flow.conflict.message, current: (flow.conflict.details.current as Lock | null | undefined) ?? null } : null}
          onConfirm={(reason) => flow.confirm({ lock: target, reason })}
        />
      ) : null}
    </>
  );
}
