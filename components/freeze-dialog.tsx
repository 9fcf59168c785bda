'use client';
import { useState } from 'react';
import { Badge } from './badge';
import type { MutationDialogProps } from './confirm-dialog';
import { DialogButtons, DiscardPrompt, useGuardedClose } from './dialog-footer';
import { ModalDialog } from './modal-dialog';
import { TimeText } from './time-text';
import type { FreezeBody, FreezeOutcome, FreezeResponse } from '@/lib/api/freeze';

const OUTCOME: Record<FreezeOutcome, { label: string; tone: 'green' | 'blue' | 'amber' | 'red' }> = {
  frozen: { label: 'frozen', tone: 'green' },
  already_frozen: { label: 'already frozen', tone: 'blue' },
  locked: { label: 'locked by someone else, untouched', tone: 'amber' },
  failed: { label: 'failed', tone: 'red' },
};

export interface FreezeDialogProps extends MutationDialogProps<(backendId: string, body: FreezeBody) => void> {
  backends: Array<{ id: string; name: string }>;
  /** A fixed state key (the state page); otherwise the operator gives a prefix. */
  fixedKey?: string;
  result: FreezeResponse | null;
}

/** Freeze one state or every state under a prefix: a real Terraform lock whose Info is the reason. */
export function FreezeDialog({ open, onClose, backends, fixedKey, pending, error, result, onConfirm }: FreezeDialogProps) {
  const [backendId, setBackendId] = useState(backends[0]?.id ?? '');
  const [prefix, setPrefix] = useState('');
  const [reason, setReason] = useState('');
  const [reviewBy, setReviewBy] = useState('');
  const target = fixedKey ?? prefix.trim();
  const why = pending || result !== null ? null : backendId === '' ? 'Choose a backend first.' : target === '' ? 'Give the state key prefix first.' : reason.trim() === '' ? 'Give a reason first.' : null;
  const ready = why === null && !pending && result === null;
  const guarded = useGuardedClose(reason, onClose, result === null);
  return (
    <ModalDialog open={open} onClose={guarded.close} title={fixedKey ? 'Freeze this state' : 'Freeze states'} testId="freeze-dialog">
      {result ? (
        <div className="space-y-2" data-testid="freeze-result">
          <p role="status" className="font-semibold">
            {result.partial ? `${result.counts.frozen} of ${result.requested} frozen.` : `All ${result.requested} frozen.`}
          </p>
          <ul className="max-h-72 divide-y divide-slate-100 overflow-y-auto rounded border border-slate-200 text-xs">
            {result.results.map((r) => (
              <li key={r.key} data-outcome={r.outcome} className="flex flex-wrap gap-2 px-3 py-1">
                <Badge tone={OUTCOME[r.outcome].tone}>{OUTCOME[r.outcome].label}</Badge>
                <span className="break-all font-mono">{r.key}</span>
                {r.outcome !== 'frozen' ? <span className="w-full text-slate-700">{r.message}</span> : null}
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
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready) return;
            const body: FreezeBody = { ...(fixedKey ? { key: fixedKey } : { prefix: target }), reason: reason.trim(), ...(reviewBy ? { reviewBy: new Date(reviewBy).toISOString() } : {}) };
            onConfirm(backendId, body);
          }}
        >
          <p className="text-slate-700">
            Lockboard takes a real Terraform lock on {fixedKey ? 'this state' : 'every state under the prefix'}. Every <code>terraform plan</code> or <code>apply</code> then stops with
            &quot;Error acquiring the state lock&quot;, and its <code>Info:</code> line shows your reason. A state someone already holds is left alone and reported.
          </p>
          {backends.length > 1 && !fixedKey ? (
            <label className="block">
              <span className="font-medium">Backend</span>
              <select value={backendId} onChange={(e) => setBackendId(e.target.value)} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1">
                {backends.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {fixedKey ? (
            <p className="break-all font-mono text-xs">{fixedKey}</p>
          ) : (
            <label className="block">
              <span className="font-medium">State key prefix</span>
              <input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="e.g. prod/" className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 font-mono" />
            </label>
          )}
          <label className="block">
            <span className="font-medium">Reason</span> <span className="text-slate-500">(required; shown to whoever is blocked, at most 500 characters)</span>
            <textarea data-autofocus required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} rows={2} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
          </label>
          <label className="block">
            <span className="font-medium">Review by</span> <span className="text-slate-500">(optional reminder; nothing unfreezes by itself)</span>
            <input type="datetime-local" value={reviewBy} onChange={(e) => setReviewBy(e.target.value)} className="mt-1 block rounded border border-slate-300 px-2 py-1" />
            {/* The input is in this browser's local time; say which instant that is, in the zone of the app. */}
            {reviewBy && !Number.isNaN(Date.parse(reviewBy)) ? (
              <span className="mt-1 block text-xs text-slate-600" data-testid="review-by-instant">
                Entered in this browser&apos;s local time: <TimeText at={Date.parse(reviewBy)} />
              </span>
            ) : null}
          </label>
          {error ? (
            <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900">
              {error.message} <span className="font-mono text-xs">[{error.code}]</span>
            </div>
          ) : null}
          {guarded.asking ? <DiscardPrompt onDiscard={onClose} onKeep={guarded.keep} /> : null}
          <DialogButtons
            why={why}
            disabled={!ready}
            onCancel={guarded.close}
            submitLabel={pending ? 'Freezing…' : 'Freeze'}
            submitClassName="rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-slate-700"
          />
        </form>
      )}
    </ModalDialog>
  );
}
