'use client';
import { useState, type ReactNode } from 'react';
import { DialogButtons, DiscardPrompt, useGuardedClose } from './dialog-footer';
import { ModalDialog } from './modal-dialog';
import { PathText } from './path-text';
import { ReasonField } from './reason-field';

/** What every mutation dialog gets from its page: whether it is open, the request's progress and failure, and the confirm callback. */
export interface MutationDialogProps<Confirm = (reason: string) => void> {
  open: boolean;
  onClose: () => void;
  pending: boolean;
  /** A failure to show (not a conflict). */
  error: { code: string; message: string } | null;
  onConfirm: Confirm;
}

export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  testId: string;
  wide?: boolean;
  /** What is changed: the state key and its backend, shown under the title. */
  subject: { key: string; backendName: string };
  /** What the operator types back, and how it is checked; none: the reason alone confirms (e.g. unfreeze). */
  token?: { label: string; placeholder: string; matches: (typed: string) => boolean; missing: string };
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  /** Why confirming is not possible now (a conflict, data still loading…); null when nothing blocks. */
  blocked?: string | null;
  /** Nothing can be confirmed now (e.g. the state is locked): no confirm button at all, this text instead. */
  unavailable?: string | null;
  /** After a conflict the dialog's way out says "Close". */
  closeLabel?: string;
  reasonPlaceholder?: string;
  onConfirm: (reason: string) => void;
  /** What will happen, warnings, conflicts and failures: between the subject and the form. */
  children: ReactNode;
}

/**
 * The type-to-confirm dialog every mutation uses: a required reason (kept in the audit log), a token
 * typed back, and a confirm button that says why it is disabled (linked with aria-describedby).
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, onClose, title, testId, wide, subject, token, confirmLabel, pendingLabel, pending, blocked = null, onConfirm } = props;
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  // Closing would throw away a typed reason: ask first (not after a conflict, when closing is the way on).
  const guarded = useGuardedClose(reason, onClose, !props.closeLabel);
  const unavailable = props.unavailable ?? null;
  const why = pending ? null : (unavailable ?? blocked ?? (reason.trim() === '' ? 'Give a reason first.' : token && !token.matches(typed) ? token.missing : null));
  const ready = why === null && !pending;

  return (
    <ModalDialog open={open} onClose={guarded.close} title={title} testId={testId} wide={wide}>
      <p className="text-xs text-slate-600">
        <PathText text={subject.key} className="font-mono" /> · backend {subject.backendName}
      </p>
      {props.children}
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) onConfirm(reason.trim());
        }}
      >
        <ReasonField value={reason} onChange={setReason} placeholder={props.reasonPlaceholder} />
        {token ? (
          <label className="block">
            <span className="font-medium">{token.label}</span>
            <input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 font-mono"
              placeholder={token.placeholder}
            />
          </label>
        ) : null}
        {guarded.asking ? <DiscardPrompt onDiscard={onClose} onKeep={guarded.keep} /> : null}
        <DialogButtons why={why} disabled={!ready} cancelLabel={props.closeLabel ?? 'Cancel'} onCancel={guarded.close} submitLabel={unavailable ? null : pending ? pendingLabel : confirmLabel} />
      </form>
    </ModalDialog>
  );
}
