'use client';
import { useId, useState } from 'react';
import { BUTTON } from './button';

/**
 * Closing a dialog with a typed reason asks first (inline, never `window.confirm`): `close` shows the
 * prompt the first time, and closes when asked again (Esc twice) or when `guard` is off (after a conflict
 * or a result, when closing is the way on).
 */
export function useGuardedClose(reason: string, onClose: () => void, guard = true) {
  const [asking, setAsking] = useState(false);
  return {
    asking,
    close: () => {
      if (guard && reason.trim() !== '' && !asking) setAsking(true);
      else onClose();
    },
    keep: () => setAsking(false),
  };
}

export function DiscardPrompt({ onDiscard, onKeep }: { onDiscard: () => void; onKeep: () => void }) {
  return (
    <div role="alert" data-testid="discard-reason" className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
      <span className="mr-auto">Close and discard the reason you typed?</span>
      <button type="button" onClick={onDiscard} className={BUTTON.secondary}>
        Discard and close
      </button>
      <button type="button" autoFocus onClick={onKeep} className={BUTTON.secondary}>
        Keep editing
      </button>
    </div>
  );
}

/**
 * A dialog form's buttons. `why`: why confirming is not possible now, shown beside the disabled
 * button and linked to it with aria-describedby (a disabled button's `title` reaches no one).
 */
export function DialogButtons({
  why,
  disabled = why !== null,
  cancelLabel = 'Cancel',
  onCancel,
  submitLabel,
  submitClassName = BUTTON.danger,
}: {
  why: string | null;
  disabled?: boolean;
  cancelLabel?: string;
  onCancel: () => void;
  /** null: no confirm button (nothing can be confirmed now; `why` says why). */
  submitLabel: string | null;
  submitClassName?: string;
}) {
  const whyId = useId();
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      {why ? (
        <p id={whyId} data-testid="confirm-why" className="mr-auto text-xs text-slate-600">
          {why}
        </p>
      ) : null}
      <button type="button" onClick={onCancel} className={BUTTON.secondary}>
        {cancelLabel}
      </button>
      {submitLabel === null ? null : (
        <button type="submit" disabled={disabled} aria-describedby={why ? whyId : undefined} className={submitClassName}>
          {submitLabel}
        </button>
      )}
    </div>
  );
}
