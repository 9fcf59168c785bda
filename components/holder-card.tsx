import type { ReactNode } from 'react';
import { Badge } from './badge';
import { CopyButton } from './copy-button';
import { formatAge, formatLocalTime, LOCK_PROBLEM_TEXT } from '@/lib/client/format';
import { forceUnlockCommand } from '@/lib/terraform/lock-info';
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
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={lock.stale ? 'amber' : 'blue'}>{lock.stale ? 'locked (stale)' : 'locked'}</Badge>
            {lock.sources.map((s) => (
              <Badge key={s}>{s === 's3' ? '.tflock' : 'DynamoDB'}</Badge>
            ))}
            {lock.problems.map((p) => (
              <Badge key={p} tone="red" title={LOCK_PROBLEM_TEXT[p] ?? p}>
                {p}
              </Badge>
            ))}
          </div>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
            <dt className="text-slate-500">Who</dt>
            <dd className="font-mono text-xs" data-testid="holder-who">
              {lock.who || '—'}
            </dd>
            <dt className="text-slate-500">Operation</dt>
            <dd>{lock.operation || '—'}</dd>
            <dt className="text-slate-500">Version</dt>
            <dd>{lock.version || '—'}</dd>
            <dt className="text-slate-500">Created</dt>
            <dd>
              {lock.created ? formatLocalTime(lock.created) : '—'} <span className="text-slate-500">({lock.ageSeconds === null ? 'age unknown' : `${formatAge(lock.ageSeconds)} ago`})</span>
            </dd>
            <dt className="text-slate-500">Lock ID</dt>
            <dd className="flex items-center gap-1">
              <code className="font-mono text-xs">{lock.id || '(none)'}</code>
              {lock.id ? <CopyButton text={lock.id} label={`Copy lock ID ${lock.id}`} /> : null}
              {forceUnlockCommand(lock) ? <CopyButton text={forceUnlockCommand(lock)!} label="Copy terraform force-unlock command" caption="Copy CLI" /> : null}
            </dd>
          </dl>
          {children}
        </div>
      )}
    </section>
  );
}
