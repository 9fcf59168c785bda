'use client';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import type { FreezeResponse } from '@/lib/api/freeze';
import { announce } from '@/lib/client/action-notices';
import { useConfirmedMutation } from '@/lib/client/use-confirmed-mutation';
import { toClientError } from '@/lib/queries/fetch-json';
import { useFreeze, useUnfreeze } from '@/lib/queries/freeze';
import { useCanMutate } from '@/lib/queries/session';
import type { Lock } from '@/lib/terraform/locks';

const FreezeDialog = dynamic(() => import('@/components/freeze-dialog').then((m) => m.FreezeDialog), { ssr: false });
const UnfreezeDialog = dynamic(() => import('@/components/unfreeze-dialog').then((m) => m.UnfreezeDialog), { ssr: false });

function announceFreeze(result: FreezeResponse, backend: { id: string; name: string }, what: string): void {
  if (result.counts.frozen === 0) return;
  announce({
    tone: result.partial ? 'warning' : 'success',
    title: result.partial ? `${result.counts.frozen} of ${result.requested} states frozen (${what}, backend ${backend.name}).` : `Frozen: ${what} (backend ${backend.name}, ${result.requested} state${result.requested === 1 ? '' : 's'}).`,
    lines: result.partial ? ['The others were left alone: the freeze dialog listed why.'] : [],
    audit: [{ backend: backend.id, id: result.auditId }],
    testId: 'freeze-notice',
  });
}

/** "Freeze…": one state (`fixedKey`) or every state under a prefix of one of `backends`. */
export function FreezeAction({ backends, fixedKey }: { backends: Array<{ id: string; name: string }>; fixedKey?: string }) {
  const canMutate = useCanMutate();
  const freeze = useFreeze((result, { backendId, body }) => announceFreeze(result, backends.find((b) => b.id === backendId) ?? { id: backendId, name: backendId }, body.key ?? `every state under ${body.prefix ?? ''}`));
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
          error={toClientError(freeze.error)}
          result={freeze.data ?? null}
          onConfirm={(backendId, body) => freeze.mutate({ backendId, body })}
        />
      ) : null}
    </>
  );
}

/** "Unfreeze" of one frozen state: a dialog with a reason; releases exactly this freeze lock (the server checks it still is). */
export function UnfreezeAction({ lock, backendId, backendName }: { lock: Lock; backendId: string; backendName: string }) {
  const canMutate = useCanMutate(backendId, lock.key);
  const unfreeze = useUnfreeze((res) => {
    if (res.results[0]?.outcome !== 'released') return;
    announce({ tone: 'success', title: `Unfrozen: ${res.results[0].key} (backend ${backendName}).`, lines: [], audit: [{ backend: backendId, id: res.auditId }], testId: 'unfreeze-notice', focus: true });
  });
  const flow = useConfirmedMutation(unfreeze);
  if (!canMutate) return null;
  const target = flow.target as Lock | null;
  // A 200 whose outcome is not "released" (another lock there, already gone) is said beside the button.
  const result = unfreeze.data?.results[0];
  const problem = result && result.outcome !== 'released' ? result.message : null;
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button
        type="button"
        aria-label={`Unfreeze ${lock.key}`}
        onClick={() => flow.open(lock)}
        className="rounded border border-sky-300 px-1.5 py-0.5 text-xs font-medium text-sky-800 hover:bg-sky-50 disabled:opacity-50"
      >
        Unfreeze
      </button>
      {problem && !target ? (
        <span role="alert" className="text-xs text-red-800">
          {problem}
        </span>
      ) : null}
      {target ? (
        <UnfreezeDialog
          key={flow.openings}
          open
          onClose={flow.close}
          lock={target}
          backendName={backendName}
          pending={flow.pending}
          error={flow.error}
          onConfirm={(reason) => flow.confirm({ backendId, body: { reason, locks: [{ key: target.key, id: target.id }] } })}
        />
      ) : null}
    </span>
  );
}
