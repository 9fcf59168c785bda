'use client';
import { ErrorBanner } from '@/components/error-banner';

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="space-y-3">
      <ErrorBanner title="This page could not be shown" message={error.digest ? `Server error (reference ${error.digest}); the server log has the details.` : error.message} />
      <button type="button" onClick={reset} className="rounded border border-slate-300 px-3 py-1 text-sm">
        Try again
      </button>
    </div>
  );
}
