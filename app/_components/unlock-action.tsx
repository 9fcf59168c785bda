'use client';
import dynamic from 'next/dynamic';
import { BUTTON } from '@/components/button';
import type { PublicBackend } from '@/lib/api/backends';
import { useCanMutate } from '@/lib/queries/session';
import { useUnlock } from '@/lib/queries/unlock';
import { announce } from '@/lib/client/action-notices';
import { useConfirmedMutation } from '@/lib/client/use-confirmed-mutation';
import type { Lock } from '@/lib/terraform/locks';

// Loaded when first opened: dialogs are not part of the page's first-load JavaScript.
const UnlockDialog = dynamic(() => import('@/components/unlock-dialog').then((m) => m.UnlockDialog), { ssr: false });

const SIDE = { dynamodb: 'the DynamoDB lock item', s3: 'the .tflock object' } as const;

/**
 * The "Unlock" action of one lock and its confirmation dialog. Shown only to callers the server says
 * may mutate (never in read-only mode); the server checks again on the request itself. `disabledWhy`:
 * the lock shown is not known to be current (its backend could not be read again), with the reason.
 */
export function UnlockAction({ lock, backend, disabledWhy }: { lock: Lock; backend: Pick<PublicBackend, 'id' | 'name' | 'bucket' | 'dynamodbTable'>; disabledWhy?: string | null }) {
  const canMutate = useCanMutate(backend.id, lock.key);
  const flow = useConfirmedMutation(
    useUnlock(backend.id, (result, unlocked) =>
      announce({
        tone: 'success',
        title: `Force-unlocked ${unlocked.key} (backend ${backend.name}).`,
        lines: [
          `Released ${result.sources.map((s) => SIDE[s]).join(' and ') || 'nothing more'}${unlocked.id ? ` of lock ${unlocked.id}` : ''}.`,
          ...(result.alreadyReleased.length ? [`Already released by someone else: ${result.alreadyReleased.map((s) => SIDE[s]).join(' and ')}.`] : []),
        ],
        audit: [{ backend: backend.id, id: result.auditId }],
        testId: 'unlock-notice',
        focus: true,
      }),
    ),
    'lock_changed',
  );
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
          backendName={backend.name}
          store={backend}
          pending={flow.pending}
          error={flow.error}
          conflict={flow.conflict ? { message: flow.conflict.message, current: flow.conflict.details.current ?? null } : null}
          onConfirm={(reason) => flow.confirm({ lock: target, reason })}
        />
      ) : null}
    </>
  );
}
