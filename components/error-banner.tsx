import type { ReactNode } from 'react';

/** A failure shown where it happened, with the rest of the page still working. */
export function ErrorBanner({ title, message, code }: { title: string; message: string; code?: string }) {
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p>
        {message}
        {code ? <span className="ml-2 font-mono text-xs text-red-700">[{code}]</span> : null}
      </p>
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">{children}</div>;
}
