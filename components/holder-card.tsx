import type { ReactNode } from 'react';
import { Badge } from './badge';
import { LastKnown } from './last-known';
import { LockDetails } from './lock-details';
import { TimeText } from './time-text';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import type { LockStatus } from '@/lib/client/lock-status';
import type { Lock } from '@/lib/api/locks';

/** Who froze the state and why, when the lock is a Lockboard freeze (not a dead run's lock). */
function FreezeNote({ lock }: { lock: Lock }) {
  const freeze = freezeOf(lock);
  if (!freeze) return null;
  return (
    <p data-testid="holder-freeze" className="rounded border border-sky-200 bg-sky-50 px-2 py-1 text-sky-900">
      Frozen by {freeze.frozenBy}: {freeze.reason}
      {freeze.reviewBy ? (
        <>
          {' '}
          (review by <TimeText at={freeze.reviewBy} />)
        </>
      ) : null}
    </p>
  );
}

/**
 * The current lock of one state: who holds it, that it is free, or that this is unknown and why.
 * `lastKnown`: the lock's backend could not be read again; what is shown is as of that time.
 */
export function HolderCard({ lock, status, loading, lastKnown, children }: { lock: Lock | null; status: LockStatus; loading?: boolean; lastKnown?: string | null; children?: ReactNode }) {
  return (
    <section aria-labelledby="holder-heading" data-testid="holder-card" data-locked={lock ? 'true' : status.status === 'unknown' ? 'unknown' : 'false'} className="rounded-md border border-slate-200 bg-white p-4 text-sm">
      <h2 id="holder-heading" className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">
        Current lock
      </h2>
      {loading ? (
        <p className="text-slate-500">Loading…</p>
      ) : lock ? (
        <div className="space-y-2">
          {lastKnown ? <LastKnown at={lastKnown} /> : null}
          <div>
            {freezeOf(lock) ? <Badge tone="blue">frozen on purpose</Badge> : <Badge tone={lock.stale ? 'amber' : 'blue'}>{lock.stale ? 'locked (stale)' : 'locked'}</Badge>}
          </div>
          <FreezeNote lock={lock} />
          <LockDetails lock={lock} testId="holder" copy />
          {children}
        </div>
      ) : status.status === 'unknown' ? (
        <p data-testid="holder-unknown" className="text-amber-900">
          <span className="font-semibold">Unknown: </span>
          {status.why}
        </p>
      ) : (
        <>
          <p className="text-emerald-800">Not locked: Terraform can take the lock.</p>
          {children}
        </>
      )}
    </section>
  );
}
