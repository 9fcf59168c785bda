'use client';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import { AppError } from '@/lib/api/errors';
import { useFreeze, useUnfreeze } from '@/lib/queries/freeze';
import { useCanMutate } from '@/lib/queries/session';
import type { Lock } from '@/lib/terraform/locks';

const FreezeDialog = dynamic(() => import('@/components/freeze-dialog').then((m) => m.FreezeDialog), { ssr: false });

function errorOf(e: unknown): { code: string; message: string } | null {
  if (!e) return null;
  return e instanceof AppError ? { code: e.code, message: e.message } : { code: 'internal', message: String(e) };
}

/** "Freeze…": one state (`fixedKey`) or every state under a prefix of one of `backends`. */
export function FreezeAction({ backends, fixedKey }: { backends: Array<{ id: string; name: string }>; fixedKey?: string }) {
  const canMutate = useCanMutate();
  const freeze = useFreeze();
  const [opened, setOpened] = useState(0);
  const [open, setOpen] = useState(false);
  if (!canMutate || backends.length === 0) return null;
  return (
    <>
      <button
        type="button"
        onClick={() => {
          freeze.reset();
          setOpen(true);
          setOpened((n) => n + 1);
        }}
        className="rounded border border-sky-300 px-2 py-0.5 text-xs font-medium text-sky-800 hover:bg-sky-50"
      >
        {fixedKey ? 'Freeze…' : 'Freeze states…'}
      </button>
      {open ? (
        <FreezeDialog
          key={opened}
          open
          onClose={() => setOpen(false)}
          backends={backends}
          fixedKey={fixedKey}
          pending={freeze.isPending}
          error={errorOf(freeze.error)}
          result={freeze.data ?? null}
          onConfirm={(backendId, body) => freeze.mutate({ backendId, body })}
        />
      ) : null}
    </>
  );
}

/** "Unfreeze" of one frozen state: releases exactly this freeze lock (the server checks it still is). */
export function UnfreezeAction({ lock, backendId }: { lock: Lock; backendId: string }) {
  const canMutate = useCanMutate(backendId, lock.key);
  const unfreeze = useUnfreeze();
  if (!canMutate) return null;
  const result = unfreeze.data?.results[0];
  const problem = errorOf(unfreeze.error)?.message ?? (result && result.outcome !== 'released' ? result.message : null);
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button
        type="button"
        disabled={unfreeze.isPending}
        aria-label={`Unfreeze ${lock.key}`}
        onClick={() => {
          const reason = window.prompt(`Unfreeze ${lock.key}? Reason (kept in the audit log):`);
          if (reason && reason.trim()) unfreeze.mutate({ backendId, body: { reason: reason.trim(), locks: [{ key: lock.key, id: lock.id }] } });
        }}
        className="rounded border border-sky-300 px-1.5 py-0.5 text-xs font-medium text-sky-800 hover:bg-sky-50 disabled:opacity-50"
      >
        {unfreeze.isPending ? 'Unfreezing…' : 'Unfreeze'}
      </button>
      {problem ? (
        <span role="alert" className="text-xs text-red-800">
          {problem}
        </span>
      ) : null}
    </span>
  );
}
