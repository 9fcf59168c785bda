'use client';
import dynamic from 'next/dynamic';
import type { EstateBackend, EstateDecisionBody } from '@/lib/api/estate';
import { announce } from '@/lib/client/action-notices';
import { useConfirmedMutation } from '@/lib/client/use-confirmed-mutation';
import { useDecide } from '@/lib/queries/estate';
import { BUTTON } from '@/components/button';
import { DialogAlert } from '@/components/dialog-alert';

const ConfirmDialog = dynamic(() => import('@/components/confirm-dialog').then((m) => m.ConfirmDialog), { ssr: false });

type Choice = 'accept' | 'ignore';
interface Target {
  backend: EstateBackend;
  decision: Choice;
}

const WHAT: Record<Choice, { title: string; confirm: string; pending: string; says: string }> = {
  accept: {
    title: 'Watch this backend?',
    confirm: 'Accept',
    pending: 'Accepting…',
    says: 'Lockboard will read its locks and states like a configured backend (with the discovery role of its account) and show it in every view; alerting covers it. Every replica follows within 30 s.',
  },
  ignore: {
    title: 'Ignore this backend?',
    confirm: 'Ignore',
    pending: 'Ignoring…',
    says: 'Lockboard stops watching it and no longer proposes it; discovery still lists it as ignored. You can accept it later.',
  },
};

/** The buttons of one backend (operators): accept a proposal, ignore one, or change an earlier decision. */
export function DecisionButtons({ backend, onOpen }: { backend: EstateBackend; onOpen: (target: Target) => void }) {
  if (backend.status === 'configured') return null;
  const choices: Choice[] = backend.status === 'proposed' ? ['accept', 'ignore'] : backend.status === 'ignored' ? ['accept'] : ['ignore'];
  return (
    <span className="flex flex-wrap gap-2">
      {choices.map((c) => (
        <button key={c} type="button" className={c === 'accept' ? 'rounded border border-sky-300 px-2 py-0.5 text-xs font-medium text-sky-900 hover:bg-sky-50' : BUTTON.small + ' text-xs'} onClick={() => onOpen({ backend, decision: c })} aria-label={`${WHAT[c].confirm} s3://${backend.bucket}`}>
          {WHAT[c].confirm}…
        </button>
      ))}
    </span>
  );
}

/** Owns the one confirm dialog of the page and the decision request (conditional on the decision shown). */
export function useDecisionDialog() {
  const decide = useDecide((result, body) =>
    announce({ tone: 'success', title: `${body.decision === 'accept' ? 'Accepted' : 'Ignored'}: ${result.backendId}.`, lines: [], audit: [{ backend: 'estate', id: result.auditId }], testId: 'decision-notice' }),
  );
  const dialog = useConfirmedMutation<Target, EstateDecisionBody, unknown, 'decision_changed'>(decide, 'decision_changed');
  const t = dialog.target;
  const element = t ? (
    <ConfirmDialog
      key={dialog.openings}
      open
      onClose={dialog.close}
      title={WHAT[t.decision].title}
      testId="decision-dialog"
      subject={{ key: `s3://${t.backend.bucket} (${t.backend.region})`, backendName: t.backend.id }}
      confirmLabel={WHAT[t.decision].confirm}
      pendingLabel={WHAT[t.decision].pending}
      pending={dialog.pending}
      blocked={dialog.conflict ? 'The decision changed since it was shown: close and look again.' : null}
      closeLabel={dialog.conflict ? 'Close' : undefined}
      reasonPlaceholder={t.decision === 'accept' ? 'e.g. the payments team’s production state' : 'e.g. a sandbox account, nobody runs Terraform there'}
      onConfirm={(reason) => dialog.confirm({ key: t.backend.id, decision: t.decision, reason, seen: { etag: t.backend.decision?.etag ?? null } })}
    >
      <p>{WHAT[t.decision].says}</p>
      {dialog.conflict ? <DialogAlert error={dialog.conflict} title="Someone decided first" /> : null}
      {dialog.error ? <DialogAlert error={dialog.error} /> : null}
    </ConfirmDialog>
  ) : null;
  return { open: dialog.open, element };
}
