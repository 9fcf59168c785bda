import type { ReactNode } from 'react';
import { Badge } from './badge';
import { LockDetails } from './lock-details';
import type { Lock } from '@/lib/terraform/locks';

/** The current lock of one state and who holds it, or that it is free. */
export function HolderCard({ lock, loading, error, children }: { lock: Lock | null; loading?: boolean; error?: string | null; children?: ReactNode }) {
  return (
    <section aria-labelledby="holder-heading" data-testid="holder-card" data-locked={lock ? 'true' : 'false'} className="rounded-md border border-slate-200 bg-white p-4 text-sm">
      <h2 id="holder-heading" className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">
        Current lock
      </h2>
      {error ? (
        <p className="text-red-800">The lock could not be read: {error}</p>
      ) : loading ? (
        <p className="text-slate-500">Loading…</p>
      ) : !lock ? (
        <p className="text-emerald-800">Not locked: Terraform can take the lock.</p>
      ) : (
        <div className="space-y-2">
          <Badge tone={lock.stale ? 'amber' : 'blue'}>{lock.stale ? 'locked (stale)' : 'locked'}</Badge>
          <LockDetails lock={lock} testId="holder" copy />
          {children}
        </div>
      )}
    </section>
  );
}
