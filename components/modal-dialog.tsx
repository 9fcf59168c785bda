'use client';
import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal on the native `<dialog>`: `showModal()` makes the rest of the page inert (focus stays
 * inside), Esc closes it (the `cancel` event), and focus returns to the opener when it closes (or to
 * the page's `[data-focus-fallback]` when the opener is gone).
 * The element marked `data-autofocus` gets the focus when it opens.
 */
export function ModalDialog({
  open,
  onClose,
  title,
  children,
  testId,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  testId?: string;
  /** Room for a diff (the restore dialog). */
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  // Focus returns to the opener when the dialog closes or is removed (the actions unmount it on close).
  // Declared first: it must see the opener before the effect below moves the focus into the dialog.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = ref.current;
    return () => {
      if (dialog?.open) dialog.close();
      // The opener may be gone (an unlocked row leaves its table) or disabled: the page's action notices take the focus then.
      if (opener?.isConnected && !opener.matches(':disabled')) opener.focus();
      else document.querySelector<HTMLElement>('[data-focus-fallback]')?.focus();
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // Start where the operator acts first (React's autoFocus runs before the dialog is shown).
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={() => {
        if (open) onClose();
      }}
      className={`${wide ? 'w-[min(64rem,calc(100vw-2rem))]' : 'w-[min(40rem,calc(100vw-2rem))]'} rounded-lg border border-slate-300 bg-white p-0 text-sm text-slate-900 shadow-xl backdrop:bg-slate-900/40`}
    >
      {open ? (
        <div className="space-y-4 p-5">
          <div className="flex items-start justify-between gap-4">
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            <button type="button" onClick={onClose} aria-label="Close dialog" className="rounded px-2 text-lg leading-none text-slate-500 hover:bg-slate-100 hover:text-slate-900">
              ×
            </button>
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
