'use client';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import type { DigestRepairTarget } from '@/components/digest-repair-dialog';
import { toClientError } from '@/lib/queries/fetch-json';
import { useRepairDigest } from '@/lib/queries/repair-digest';
import { useCanMutate } from '@/lib/queries/session';

// Loaded when first opened: dialogs are not part of the page's first-load JavaScript.
const DigestRepairDialog = dynamic(() => import('@/components/digest-repair-dialog').then((m) => m.DigestRepairDialog), { ssr: false });

/** Whether a repair makes sense: Terraform fails on this state, or its digest item is malformed. */
export function digestNeedsRepair(target: Pick<DigestRepairTarget, 'digestStatus' | 'digest'>): boolean {
  return target.digestStatus === 'mismatch' || target.digestStatus === 'orphan' || (target.digestStatus === 'missing' && target.digest !== null);
}

/** The "Repair digest" action of one state and its confirmation dialog (operators only). */
export function DigestRepairAction({ target, backendId, backendName, bucket }: { target: DigestRepairTarget; backendId: string; backendName: string; bucket: string }) {
  const canMutate = useCanMutate();
  const repair = useRepairDigest(backendId);
  const [shown, setShown] = useState<DigestRepairTarget | null>(null);
  const [opened, setOpened] = useState(0);
  if (!canMutate || !digestNeedsRepair(target)) return null;

  const error = toClientError(repair.error);
  const conflict = error?.code === 'digest_changed' ? { message: error.message, currentDigest: error.details.current.digest } : null;

  return (
    <>
      <button
        type="button"
        onClick={() => {
          repair.reset();
          setShown(target);
          setOpened((n) => n + 1);
        }}
        aria-label={`Repair the digest of ${target.key}`}
        className="rounded border border-red-300 px-1.5 py-0.5 text-xs font-medium text-red-800 hover:bg-red-50"
      >
        Repair digest
      </button>
      {shown ? (
        <DigestRepairDialog
          key={opened}
          open
          onClose={() => setShown(null)}
          target={shown}
          bucket={bucket}
          backendName={backendName}
          pending={repair.isPending}
          error={conflict ? null : error ? { code: error.code, message: error.message } : null}
          conflict={conflict}
          onConfirm={(reason) => repair.mutate({ key: shown.key, expected: shown.digest, reason }, { onSuccess: () => setShown(null) })}
        />
      ) : null}
    </>
  );
}
