'use client';
import { useState } from 'react';
import { Badge } from './badge';
import { ModalDialog } from './modal-dialog';
import { formatAge, formatLocalTime, LOCK_PROBLEM_TEXT } from '@/lib/client/format';
import type { Lock } from '@/lib/api/locks';
import { ReasonField } from './reason-field';

/** What the operator must type: the lock ID or its first 8 characters (`unlock` for a lock without ID). */
export function unlockConfirmationMatches(lock: Pick<Lock, 'id'>, typed: string): boolean {
  const t = typed.trim();
  if (lock.id === '') return t.toLowerCase() === 'unlock';
  return t === lock.id || (t.length === 8 && t === lock.id.slice(0, 8));
}

function sourceLabel(s: string) {
  return s === 's3' ? '.tflock' : 'DynamoDB';
}

function Holder({ lock, testId }: { lock: Lock; testId: string }) {
  return (
    <dl data-testid={testId} className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
      <dt className="text-slate-500">Who</dt>
      <dd className="font-mono text-xs" data-testid={`${testId}-who`}>
        {lock.who || '—'}
      </dd>
      <dt className="text-slate-500">Operation</dt>
      <dd>{lock.operation || '—'}</dd>
      <dt className="text-slate-500">Terraform version</dt>
      <dd>{lock.version || '—'}</dd>
      <dt className="text-slate-500">Created</dt>
      <dd>
        {lock.created ? formatLocalTime(lock.created) : '—'} <span className="text-slate-500">({lock.ageSeconds === null ? 'age unknown' : `${formatAge(lock.ageSeconds)} ago`})</span>
      </dd>
      <dt className="text-slate-500">Lock ID</dt>
      <dd>
        <code className="break-all font-mono text-xs" data-testid={`${testId}-id`}>
          {lock.id || '(none)'}
        </code>
      </dd>
      <dt className="text-slate-500">Held in</dt>
      <dd className="flex flex-wrap gap-1">
        {lock.sources.map((s) => (
          <Badge key={s}>{sourceLabel(s)}</Badge>
        ))}
        {lock.stale ? <Badge tone="amber">stale</Badge> : null}
        {lock.problems.map((p) => (
          <Badge key={p} tone="red" title={LOCK_PROBLEM_TEXT[p] ?? p}>
            {p}
          </Badge>
        ))}
      </dd>
    </dl>
  );
}

export interface UnlockDialogProps {
  open: boolean;
  onClose: () => void;
  /** The lock as the operator saw it when opening the dialog. */
  lock: Lock;
  backendName: string;
  pending: boolean;
  /** A failure to show (not a conflict). */
  error: { code: string; message: string } | null;
  /** After a 409: what holds the lock now (null: nothing known). */
  conflict: { message: string; current: Lock | null } | null;
  onConfirm: (reason: string) => void;
}

/**
 * Confirms a force-unlock: who holds the lock, a plain warning, a required reason, and the lock ID
 * typed back before the button is enabled.
 */
export function UnlockDialog({ open, onClose, lock, backendName, pending, error, conflict, onConfirm }: UnlockDialogProps) {
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const confirmed = unlockConfirmationMatches(lock, typed);
  const ready = confirmed && reason.trim() !== '' && !pending && conflict === null;
  const hint = lock.id ? lock.id.slice(0, 8) : 'unlock';

  return (
    <ModalDialog open={open} onClose={onClose} title="Force-unlock this state?" testId="unlock-dialog">
      <p className="break-all text-xs text-slate-600">
        <span className="font-mono">{lock.key}</span> · backend {backendName}
      </p>
      <Holder lock={lock} testId="unlock-holder" />
      <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
        <p className="font-semibold">A run may still be writing this state.</p>
        <p className="mt-1">
          Unlocking does not stop {lock.who ? <span className="font-mono">{lock.who}</span> : 'the holder'}. If that {lock.operation || 'run'} is still going, the next run can start while it
          writes, and the two can overwrite each other&apos;s state. Unlock only when you know the run is over (its job was cancelled, its machine is gone).
        </p>
      </div>
      {conflict ? (
        <div role="alert" data-testid="unlock-conflict" className="space-y-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900">
          <p className="font-semibold">The lock changed: nothing was unlocked.</p>
          <p>{conflict.message}</p>
          {conflict.current ? (
            <>
              <p className="font-semibold">Held now by:</p>
              <Holder lock={conflict.current} testId="unlock-new-holder" />
            </>
          ) : null}
        </div>
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
        <ReasonField value={reason} onChange={setReason} placeholder="e.g. CI job 4711 was cancelled; its runner is gone" />
        <label className="block">
          <span className="font-medium">{lock.id ? 'Type the lock ID, or its first 8 characters, to confirm' : 'This lock has no ID: type "unlock" to confirm'}</span>
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 font-mono"
            placeholder={hint}
          />
        </label>
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
            {conflict ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" disabled={!ready} className="rounded bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-slate-600">
            {pending ? 'Unlocking…' : 'Force-unlock'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
