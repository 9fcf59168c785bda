import Link from 'next/link';
import type { ReactNode } from 'react';
import type { EstateAccount, EstateBackend } from '@/lib/api/estate';
import { OUTCOME_WORDS, PROBLEM_WORDS, STATUS_WORDS } from '@/lib/client/estate-words';
import { Badge } from './badge';
import { EstateFindings } from './estate-findings';

const OUTCOME_TONE = { ok: 'green', partial: 'amber', unreadable: 'red', skipped: 'gray' } as const;
const STATUS_TONE = { configured: 'green', watched: 'green', not_seen: 'amber', proposed: 'blue', ignored: 'gray' } as const;

/** A cell's label, shown only where the table is cards (below md). */
function Label({ children }: { children: ReactNode }) {
  return <span className="mr-1 font-medium text-slate-600 md:hidden">{children}:</span>;
}

function LocksCell({ b }: { b: EstateBackend }) {
  if (b.status === 'proposed' || b.status === 'ignored') return <span className="text-slate-600">not watched</span>;
  if (!b.viewable) return <span className="text-slate-600">not yours to view (access rules)</span>;
  if (b.readError !== null) return <span className="text-red-800">not read: {b.readError}</span>;
  if (b.locks === null) return <span className="text-slate-600">reading…</span>;
  return (
    <span>
      {b.locks.count} held
      {b.locks.stale > 0 ? (
        <>
          {' '}
          <Badge tone="red">{b.locks.stale} stale</Badge>
        </>
      ) : null}
      {b.digestProblems ? (
        <>
          {' '}
          <Badge tone="red">{b.digestProblems} digest problem{b.digestProblems === 1 ? '' : 's'}</Badge>
        </>
      ) : null}
    </span>
  );
}

function PostureCell({ b }: { b: EstateBackend }) {
  if (b.status === 'proposed' || b.status === 'ignored' || !b.viewable) return <span className="text-slate-600">—</span>;
  const p = b.posture;
  if (!p) return <span className="text-slate-600">checking…</span>;
  const word = (v: boolean | null, bad: string, good: string) => (v === null ? <Badge>{`${good}: not checked`}</Badge> : v ? <Badge tone="red">{bad}</Badge> : <Badge tone="green">{good}</Badge>);
  return (
    <span className="flex flex-wrap gap-1">
      {word(p.versioningOff, 'versioning off', 'versioned')}
      {p.historyExpiring ? <Badge tone="amber">history expiring</Badge> : null}
      {p.noReplication ? <Badge tone="amber">no replication</Badge> : p.noReplication === false ? <Badge tone="green">replicated</Badge> : null}
    </span>
  );
}

function ViewLinks({ b }: { b: EstateBackend }) {
  if (b.status === 'proposed' || b.status === 'ignored' || !b.viewable) return null;
  const id = encodeURIComponent(b.id);
  const link = 'text-sky-800 underline hover:text-sky-950';
  return (
    <span className="flex flex-wrap gap-x-3">
      <Link className={link} href={`/?backend=${id}`} aria-label={`Locks of ${b.bucket}`}>
        Locks
      </Link>
      <Link className={link} href={`/states?backend=${id}`} aria-label={`States of ${b.bucket}`}>
        States
      </Link>
      <Link className={link} href={`/audit?backend=${id}`} aria-label={`Audit of ${b.bucket}`}>
        Audit
      </Link>
    </span>
  );
}

/** One account: how it was read (and what could not be), then its backends, a table on wide screens, cards below md. */
export function EstateAccountCard({ account, action }: { account: EstateAccount; action?: (b: EstateBackend) => ReactNode }) {
  const title = account.id ? `${account.name ?? 'Account'} (${account.id})` : (account.name ?? 'Other backends');
  return (
    <article aria-label={title} data-testid="estate-account" data-account={account.id} className="space-y-3 rounded-md border border-slate-200 bg-white p-4">
      <h2 className="flex flex-wrap items-center gap-2 text-lg font-semibold">
        <span className="[overflow-wrap:anywhere]">{title}</span>
        {account.id ? <Badge tone={OUTCOME_TONE[account.outcome]}>{OUTCOME_WORDS[account.outcome]}</Badge> : null}
        {account.id ? <span className="text-xs font-normal text-slate-600">{account.calls} AWS requests</span> : null}
      </h2>
      <EstateFindings findings={account.findings} testId="account-findings" />
      {account.backends.length === 0 ? (
        account.outcome === 'ok' ? <p className="text-sm text-slate-600">No Terraform backend found in this account.</p> : null
      ) : (
        <table className="block w-full text-sm md:table">
          <thead className="hidden bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 md:table-header-group">
            <tr>
              <th className="px-2 py-1">Backend</th>
              <th className="px-2 py-1">Status</th>
              <th className="px-2 py-1">Locks</th>
              <th className="px-2 py-1">Posture</th>
              <th className="px-2 py-1">
                <span className="sr-only">Views and actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="block space-y-3 md:table-row-group md:space-y-0">
            {account.backends.map((b) => (
              <tr key={b.id} data-testid="estate-backend" data-backend={b.id} data-status={b.status} className="block rounded border border-slate-200 p-2 align-top md:table-row md:border-0 md:border-t md:p-0">
                <td className="block px-2 py-1 md:table-cell">
                  <span className="block font-mono text-xs [overflow-wrap:anywhere]">s3://{b.bucket}</span>
                  <span className="block text-xs text-slate-600">
                    {b.region} · {b.dynamodbTable ? `table ${b.dynamodbTable}` : '.tflock only'}
                    {b.useLockfile && b.dynamodbTable ? ' + .tflock' : ''}
                    {b.stateCount !== null ? ` · ${b.stateCount}${b.countsComplete ? '' : '+'} state${b.stateCount === 1 ? '' : 's'}` : ''}
                    {b.workspacePrefixSeen ? ` · workspaces under ${b.workspacePrefixSeen}/` : ''}
                  </span>
                </td>
                <td className="block px-2 py-1 md:table-cell">
                  <Label>Status</Label>
                  <Badge tone={STATUS_TONE[b.status]}>{STATUS_WORDS[b.status]}</Badge>
                  {b.decision ? <span className="block text-xs text-slate-600 [overflow-wrap:anywhere]">{`${b.decision.decision} by ${b.decision.by}: ${b.decision.reason}`}</span> : null}
                  {b.problems.length > 0 ? <span className="sr-only">{`Problems: ${b.problems.map((p) => PROBLEM_WORDS[p]).join(', ')}`}</span> : null}
                </td>
                <td className="block px-2 py-1 md:table-cell">
                  <Label>Locks</Label>
                  <LocksCell b={b} />
                </td>
                <td className="block px-2 py-1 md:table-cell">
                  <Label>Posture</Label>
                  <PostureCell b={b} />
                </td>
                <td className="block space-y-1 px-2 py-1 md:table-cell">
                  <ViewLinks b={b} />
                  {action?.(b)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
