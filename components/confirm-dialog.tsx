'use client';
import { useId, useState, type ReactNode } from 'react';
import { BUTTON } from './button';
import { ModalDialog } from './modal-dialog';
import { PathText } from './path-text';
import { ReasonField } from './reason-field';

export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  testId: string;
  wide?: boolean;
  /** What is changed: the state key and its backend, shown under the title. */
  subject: { key: string; backendName: string };
  /** What the operator types back, and how it is checked. */
  token: { label: string; placeholder: string; matches: (typed: string) => boolean; missing: string };
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  /** Why confirming is not possible now (a conflict, data still loading…); null when nothing blocks. */
  blocked?: string | null;
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
  const [asking, setAsking] = useState(false);
  const whyId = useId();
  // Closing would throw away a typed reason: ask first (not after a conflict, when closing is the way on).
  const close = () => {
    if (reason.trim() !== '' && !props.closeLabel && !asking) setAsking(true);
    else onClose();
  };
  const why = pending ? null : (blocked ?? (reason.trim() === '' ? 'Give a reason first.' : !token.matches(typed) ? token.missing : null));
  const ready = why === null && !pending;

  return (
    <ModalDialog open={open} onClose={close} title={title} testId={testId} wide={wide}>
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
        {asking ? (
          <div role="alert" data-testid="discard-reason" className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
            <span className="mr-auto">Close and discard the reason you typed?</span>
            <button type="button" onClick={onClose} className={BUTTON.secondary}>
              Discard and close
            </button>
            <button type="button" autoFocus onClick={() => setAsking(false)} className={BUTTON.secondary}>
              Keep editing
            </button>
          </div>
        ) : null}
        <div className="flex flex-wrap items-center justify-end gap-2">
          {why ? (
            <p id={whyId} className="mr-auto text-xs text-slate-600">
              {why}
            </p>
          ) : null}
          <button type="button" onClick={close} className={BUTTON.secondary}>
            {props.closeLabel ?? 'Cancel'}
          </button>
          <button type="submit" disabled={!ready} aria-describedby={why ? whyId : undefined} className={BUTTON.danger}>
            {pending ? pendingLabel : confirmLabel}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
