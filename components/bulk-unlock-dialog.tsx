'use client';
import { useState } from 'react';
import { Badge } from './badge';
import { BUTTON } from './button';
import type { MutationDialogProps } from './confirm-dialog';
import { DialogButtons, DiscardPrompt, useGuardedClose } from './dialog-footer';
import { DialogAlert } from './dialog-alert';
import { ModalDialog } from './modal-dialog';
import { PathText } from './path-text';
import { ReasonField } from './reason-field';
import { TimeText } from './time-text';
import { UnlockDeletes } from './unlock-deletes';
import { auditRecordHref } from '@/lib/client/action-notices';
import { formatAge } from '@/lib/client/format';
import { operationLabel, problemWords } from '@/lib/client/lock-words';
import { deletionTotals, type LockStore } from '@/lib/client/unlock-deletions';
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

export interface BulkUnlockDialogProps extends MutationDialogProps {
  /** The locks as the operator saw them when the dialog opened. */
  selection: SelectedLock[];
  /** Where each backend (by id) keeps its locks: what each force-unlock deletes is named from it. */
  stores: Readonly<Record<string, LockStore>>;
  result: BulkUnlockSummary | null;
}

/** A scrolling list that keyboard users can scroll too (focusable, named). */
const SCROLL_LIST = 'overflow-y-auto rounded border border-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500';

/** One selected lock as the single dialog shows it: state, backend, holder, operation, age, lock ID, problems, and exactly what is deleted. */
function SelectedLockItem({ lock, store }: { lock: SelectedLock; store: LockStore | undefined }) {
  return (
    <li data-testid="bulk-unlock-lock" data-lock-id={lock.id} className="space-y-0.5 px-3 py-2 text-xs">
      <p className="flex flex-wrap items-baseline gap-x-2">
        <PathText text={lock.key} className="font-mono text-sm font-semibold" />
        <span className="text-slate-600">backend {lock.backendName}</span>
      </p>
      <p>
        Held by <span className="font-mono [overflow-wrap:anywhere]">{lock.who || 'an unknown holder'}</span> · {lock.operation ? operationLabel(lock.operation) : 'unknown operation'} ·{' '}
        {lock.ageSeconds === null ? 'age unknown' : `${formatAge(lock.ageSeconds)} old`} (created <TimeText at={lock.created} show="absolute" />)
      </p>
      <p>
        Lock ID <code className="font-mono" data-testid="bulk-unlock-lock-id"><PathText text={lock.id || '(none)'} /></code>
      </p>
      {lock.problems.length > 0 ? <p className="font-medium text-red-800">{lock.problems.map((p) => problemWords(p, lock).label).join(' · ')}</p> : null}
      <div data-testid="bulk-unlock-deletes">
        Deletes:
        {store ? <UnlockDeletes lock={lock} store={store} className="list-disc pl-5" /> : <span> the sides holding it ({lock.sources.join(', ')})</span>}
      </div>
    </li>
  );
}

/** One decision for many locks: the list, one reason, `UNLOCK <n>` typed back, then every lock's outcome. */
export function BulkUnlockDialog({ open, onClose, selection, stores, pending, error, result, onConfirm }: BulkUnlockDialogProps) {
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
          <div role="region" aria-label="Outcome of each lock" tabIndex={0} className={`max-h-80 ${SCROLL_LIST}`}>
            <ul className="divide-y divide-slate-100">
              {result.results.map((r) => (
                <li key={`${r.backendId}|${r.key}|${r.id}`} data-testid="bulk-unlock-outcome" data-outcome={r.outcome} className="flex flex-wrap items-start gap-2 px-3 py-1.5">
                  <Badge tone={OUTCOME_TEXT[r.outcome].tone}>{OUTCOME_TEXT[r.outcome].label}</Badge>
                  <PathText text={r.key} className="font-mono text-xs" />
                  <span className="text-xs text-slate-600">
                    backend {r.backendName} · lock ID <code className="font-mono">{r.id || '(none)'}</code>
                  </span>
                  {r.outcome !== 'released' ? <span className="w-full text-xs text-slate-700">{r.message}</span> : null}
                </li>
              ))}
            </ul>
          </div>
          <div className="flex justify-end">
            <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
              Close
            </button>
          </div>
        </div>
      ) : (
        <>
          <p data-testid="bulk-unlock-totals">
            Force-unlock deletes {deletionTotals(selection)}, listed per lock below. Nothing else: no state, version or digest is touched. Each delete happens only if the lock is still exactly the one
            listed.
          </p>
          <div role="region" aria-label="Selected locks" tabIndex={0} className={`max-h-[45vh] ${SCROLL_LIST}`}>
            <ul className="divide-y divide-slate-100">
              {selection.map((l) => (
                <SelectedLockItem key={`${l.backendId}|${l.key}|${l.id}|${l.sources.join()}`} lock={l} store={stores[l.backendId]} />
              ))}
            </ul>
          </div>
          <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
            <p className="font-semibold">Unlocking does not stop the runs that hold these locks.</p>
            <p className="mt-1">
              If one of them is still going, the next run can start while it writes, and the two can overwrite each other&apos;s state. Go on only when you know they are over. A lock
              taken by a newer run meanwhile is kept, and every lock gets its own audit record.
            </p>
          </div>
          {tooMany ? (
            <p role="alert" className="text-red-800">
              At most {BULK_UNLOCK_MAX} locks can be unlocked at once; narrow the selection.
            </p>
          ) : null}
          {error ? <DialogAlert error={error} /> : null}
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
