'use client';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import { toClientError } from '@/lib/queries/fetch-json';
import { useCanMutate } from '@/lib/queries/session';
import { useUnlock } from '@/lib/queries/unlock';
import type { Lock } from '@/lib/api/locks';

// Loaded when first opened: dialogs are not part of the page's first-load JavaScript.
const UnlockDialog = dynamic(() => import('@/components/unlock-dialog').then((m) => m.UnlockDialog), { ssr: false });

/**
 * The "Unlock" action of one lock and its confirmation dialog. Shown only to callers the server says
 * may mutate (never in read-only mode); the server checks again on the request itself.
 */
export function UnlockAction({ lock, backendId, backendName }: { lock: Lock; backendId: string; backendName: string }) {
  const canMutate = useCanMutate();
  const unlock = useUnlock(backendId);
  // The lock as it was when the dialog opened: polling may change the row meanwhile.
  const [target, setTarget] = useState<Lock | null>(null);
  const [opened, setOpened] = useState(0);
  // A lock of another bucket (shared table) belongs to another backend's configuration.
  if (!canMutate || lock.problems.includes('other_bucket')) return null;

  const error = toClientError(unlock.error);
  const conflict = error?.code === 'lock_changed' ? { message: error.message, current: error.details.current } : null;

  return (
    <>
      <button
        type="button"
        onClick={() => {
          unlock.reset();
          setTarget(lock);
          setOpened((n) => n + 1);
        }}
        aria-label={`Unlock ${lock.key}`}
        className="rounded border border-red-300 px-1.5 py-0.5 text-xs font-medium text-red-800 hover:bg-red-50"
      >
        Unlock
      </button>
      {target ? (
        <UnlockDialog
          key={opened}
          open
          onClose={() => setTarget(null)}
          lock={target}
          backendName={backendName}
          pending={unlock.isPending}
          error={conflict ? null : error ? { code: error.code, message: error.message } : null}
          conflict={conflict}
          onConfirm={(reason) => unlock.mutate({ lock: target, reason }, { onSuccess: () => setTarget(null) })}
        />
      ) : null}
    </>
  );
}
