'use client';
import dynamic from 'next/dynamic';
import { BUTTON } from '@/components/button';
import type { DigestRepairTarget } from '@/components/digest-repair-dialog';
import { useRepairDigest } from '@/lib/queries/repair-digest';
import { useCanMutate } from '@/lib/queries/session';
import { announce } from '@/lib/client/action-notices';
import { useConfirmedMutation } from '@/lib/client/use-confirmed-mutation';
import { digestNeedsRepair } from '@/lib/terraform/digest-repair';

// Loaded when first opened: dialogs are not part of the page's first-load JavaScript.
const DigestRepairDialog = dynamic(() => import('@/components/digest-repair-dialog').then((m) => m.DigestRepairDialog), { ssr: false });

/** The "Repair the digest" action of one state and its confirmation dialog (operators only). */
export function DigestRepairAction({ target, backendId, backendName, bucket, disabledWhy }: { target: DigestRepairTarget; backendId: string; backendName: string; bucket: string; disabledWhy?: string | null }) {
  const canMutate = useCanMutate(backendId, target.key);
  const flow = useConfirmedMutation(
    useRepairDigest(backendId, (result) =>
      announce({
        tone: 'success',
        title: result.action === 'set' ? `Digest of ${result.key} set to ${result.digest} (backend ${backendName}).` : `Orphan digest of ${result.key} deleted (backend ${backendName}).`,
        lines: [`It was ${result.previous ?? '(none)'}.`],
        audit: [{ backend: backendId, id: result.auditId }],
        testId: 'repair-notice',
        focus: true,
      }),
    ),
    'digest_changed',
  );
  if (!canMutate || !digestNeedsRepair(target)) return null;
  const shown = flow.target as DigestRepairTarget | null;
  return (
    <>
      <button type="button" onClick={() => flow.open(target)} disabled={!!disabledWhy} title={disabledWhy ?? undefined} aria-label={`Repair the digest of ${target.key}`} className={BUTTON.action}>
        Repair the digest
      </button>
      {shown ? (
        <DigestRepairDialog
          key={flow.openings}
          open
          onClose={flow.close}
          target={shown}
          bucket={bucket}
          backendName={backendName}
          pending={flow.pending}
          error={flow.error}
          conflict={flow.conflict ? { message: flow.conflict.message, currentDigest: flow.conflict.details.current?.digest ?? null } : null}
          onConfirm={(reason) => flow.confirm({ key: shown.key, expected: shown.digest, reason })}
        />
      ) : null}
    </>
  );
}
