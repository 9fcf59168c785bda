'use client';
import { useState } from 'react';
import { Badge } from './badge';
import { BUTTON } from './button';
import { DialogButtons, DiscardPrompt, useGuardedClose } from './dialog-footer';
import { ModalDialog } from './modal-dialog';
import { ReasonField } from './reason-field';
import { auditRecordHref } from '@/lib/client/action-notices';
import { bulkUnlockConfirmation, BULK_UNLOCK_MAX } from '@/lib/api/bulk-unlock-rules';
import type { BulkUnlockOutcome } from '@/lib/api/bulk-unlock';
import type { BulkUnlockSummary, SelectedLock } from '@/lib/queries/bulk-unlock';

const OUTCOME_TEXT: Record<BulkUnlockOutcome, { label: string; tone: 'green' | 'amber' | 'gray' | 'red' }> = {
  released: { label: 'released', tone: 'green' },
  changed: { label: 'changed meanwhile, kept', tone: 'amber' },
  gone: { label: 'already gone', tone: 'gray' },
  refused: { label: 'refused', tone: 'red' },
  failed: { label: 'failed (not retried)', tone: 'red' },
};

/** The typed confirmation must be exactly `UNLOCK <count>` (spaces around ignored). */
export function bulkConfirmationMatches(count: number, typed: string): boolean {
  return typed.trim() === bulkUnlockConfirmation(count);
}

export interface BulkUnlockDialogProps {
  open: boolean;
  onClose: () => void;
  /** The locks as the operator saw them when the dialog opened. */
  selection: SelectedLock[];
  pending: boolean;
  error: { code: string; message: string } | null;
  result: BulkUnlockSummary | null;
  onConfirm: (reason: string) => void;
}

/** One decision for many locks: the list, one reason, `UNLOCK <n>` typed back, then every lock's outcome. */
export function BulkUnlockDialog({ open, onClose, selection, pending, error, result, onConfirm }: BulkUnlockDialogProps) {
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const count = selection.length;
  const tooMany = count > BULK_UNLOCK_MAX;
  const why = pending || result !== null ? null : tooMany ? `At most ${BULK_UNLOCK_MAX} locks at once.` : count === 0 ? 'Nothing is selected.' : reason.trim() === '' ? 'Give a reason first.' : !bulkConfirmationMatches(count, typed) ? `Type ${bulkUnlockConfirmation(count)} to confirm.` : null;
  const ready = why === null && !pending && result === null;
  // After the result, closing loses nothing.
  const guarded = useGuardedClose(reason, onClose, result === null);
  return (
    <ModalDialog open={open} onClose={guarded.close} title={`Force-unlock ${count} lock${count === 1 ? '' : 's'}?`} testId="bulk-unlock-dialog" wide>
      {result ? (
        <div className="space-y-3" data-testid="bulk-unlock-result">
          <div role="status" className={`rounded-md border px-3 py-2 ${result.partial ? 'border-amber-300 bg-amber-50 text-amber-950' : 'border-emerald-300 bg-emerald-50 text-emerald-900'}`}>
            <p className="font-semibold">{result.partial ? `Partly done: ${result.counts.released} of ${count} released.` : `All ${count} released.`}</p>
            <p className="text-xs">
              {(Object.keys(OUTCOME_TEXT) as BulkUnlockOutcome[])
                .filter((o) => result.counts[o] > 0)
                .map((o) => `${result.counts[o]} ${OUTCOME_TEXT[o].label}`)
                .join(' · ')}
              {result.bulkIds.map((b, i) => (
                <span key={b.id}>
                  {' · '}
                  <a href={auditRecordHref(b.backendId, b.id)} className="underline">
                    audit record{result.bulkIds.length > 1 ? ` ${i + 1}` : ''}
                  </a>
                </span>
              ))}
            </p>
          </div>
          <ul className="max-h-80 divide-y divide-slate-100 overflow-y-auto rounded border border-slate-200">
            {result.results.map((r) => (
              <li key={`${r.backendId}|${r.key}|${r.id}`} data-testid="bulk-unlock-outcome" data-outcome={r.outcome} className="flex flex-wrap items-start gap-2 px-3 py-1.5">
                <Badge tone={OUTCOME_TEXT[r.outcome].tone}>{OUTCOME_TEXT[r.outcome].label}</Badge>
                <span className="break-all font-mono text-xs">{r.key}</span>
                <span className="text-xs text-slate-500">{r.backendName}</span>
                {r.outcome !== 'released' ? <span className="w-full text-xs text-slate-700">{r.message}</span> : null}
              </li>
            ))}
          </ul>
          <div className="flex justify-end">
            <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
              Close
            </button>
          </div>
        </div>
      ) : (
        <>
          <ul className="max-h-56 divide-y divide-slate-100 overflow-y-auto rounded border border-slate-200 text-xs" aria-label="Selected locks">
            {selection.map((l) => (
              <li key={`${l.backendId}|${l.key}|${l.id}|${l.sources.join()}`} className="flex flex-wrap gap-2 px-3 py-1">
                <span className="break-all font-mono">{l.key}</span>
                <span className="text-slate-500">
                  {l.backendName} · {l.who || 'unknown holder'} · {l.operation || 'unknown operation'}
                </span>
              </li>
            ))}
          </ul>
          <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
            <p className="font-semibold">Unlocking does not stop the runs that hold these locks.</p>
            <p className="mt-1">
              Go on only when you know they are over. Each lock is released only if it is still exactly the one listed here; a lock taken by a newer run meanwhile is kept, and
              every lock gets its own audit record.
            </p>
          </div>
          {tooMany ? (
            <p role="alert" className="text-red-800">
              At most {BULK_UNLOCK_MAX} locks can be unlocked at once; narrow the selection.
            </p>
          ) : null}
          {error ? (
            <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900">
              {error.message} <span className="font-mono text-xs">[{error.code}]</span>
            </div>
          ) : null}
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (ready) onConfirm(reason.trim());
            }}
          >
            <ReasonField value={reason} onChange={setReason} placeholder="e.g. run-all job 4711 was cancelled; its runner is gone" />
            <label className="block">
              <span className="font-medium">
                Type <code className="font-mono">{bulkUnlockConfirmation(count)}</code> to confirm
              </span>
              <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 font-mono" placeholder={bulkUnlockConfirmation(count)} />
            </label>
            {guarded.asking ? <DiscardPrompt onDiscard={onClose} onKeep={guarded.keep} /> : null}
            <DialogButtons why={why} disabled={!ready} onCancel={guarded.close} submitLabel={pending ? 'Unlocking…' : `Force-unlock ${count}`} submitClassName={BUTTON.danger} />
          </form>
        </>
      )}
    </ModalDialog>
  );
}
