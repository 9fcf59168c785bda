'use client';
import { useSession } from '@/lib/queries/session';

/**
 * A banner under the navigation saying how changes are protected: none at all (auth mode `none`),
 * read-only mode, or who is signed in through the proxy and whether they may make changes.
 */
export function SessionNotice() {
  const { data } = useSession();
  if (!data) return null;
  return (
    <div className="mx-auto max-w-[1400px] space-y-2 px-4 pt-4 text-sm" data-testid="session-notice">
      {data.authMode === 'none' ? (
        <div role="status" className="rounded-md border border-amber-400 bg-amber-50 px-4 py-2 text-amber-950">
          <span className="font-semibold">No authentication configured.</span> Anyone who can reach this page can{data.readOnly ? ' read every lock and state' : ' unlock states and repair digests'}
          . Put Lockboard behind an authenticating proxy and set <code className="font-mono text-xs">LOCKBOARD_AUTH_MODE=proxy</code> and{' '}
          <code className="font-mono text-xs">LOCKBOARD_OPERATORS</code>.
        </div>
      ) : null}
      {data.readOnly ? (
        <div role="status" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-slate-700">
          <span className="font-semibold">Read-only mode:</span> changes are disabled for everyone.
        </div>
      ) : data.authMode === 'proxy' ? (
        <p className="text-xs text-slate-600">
          {data.user ? (
            <>
              Signed in as <span className="font-mono">{data.user}</span>
              {data.canMutate ? ' (operator).' : ': you can look, only operators can make changes.'}
            </>
          ) : (
            'Not signed in (no identity from the proxy): you can look, not make changes.'
          )}
        </p>
      ) : null}
    </div>
  );
}
