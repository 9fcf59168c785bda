import type { ReactNode } from 'react';

/** A failure inside a dialog: what went wrong (and its code), with room for what it did or did not change. */
export function DialogAlert({ error, title, testId, children }: { error?: { code: string; message: string } | null; title?: ReactNode; testId?: string; children?: ReactNode }) {
  return (
    <div role="alert" data-testid={testId} className="space-y-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900">
      {title ? <p className="font-semibold">{title}</p> : null}
      {error ? (
        <p>
          {error.message} <span className="font-mono text-xs">[{error.code}]</span>
        </p>
      ) : null}
      {children}
    </div>
  );
}
