'use client';
import Link from 'next/link';
import { Fragment, useState } from 'react';
import { Badge } from './badge';
import { PathText } from './path-text';
import { TimeText } from './time-text';
import type { AuditOutcome, AuditRecord } from '@/lib/api/audit';
import { statePageHref } from '@/lib/api/urls';
import { AUDIT_ACTION_WORDS } from '@/lib/client/audit-words';
import { cn } from '@/lib/client/cn';

const OUTCOME_TONE: Record<AuditOutcome, 'green' | 'red' | 'amber' | 'gray'> = {
  succeeded: 'green',
  failed: 'red',
  refused: 'amber',
  pending: 'gray',
  interrupted: 'red',
};

const OUTCOME_TITLE: Record<AuditOutcome, string> = {
  succeeded: 'The change was made.',
  failed: 'The change was attempted and did not happen (or only partly: see details).',
  refused: 'Refused before anything was attempted (identity, permissions, read-only, origin or input).',
  pending: 'Written before the change and never completed: the server stopped during the change, or it is still running.',
  interrupted: 'Begun and never completed within the deadline (the server stopped or lost the request): what was changed is unknown; check the state.',
};

const COLUMNS = ['Time', 'User', 'Action', 'Backend', 'State key', 'Reason', 'Outcome', 'Details'];

const FOREIGN_TITLE: Record<NonNullable<AuditRecord['foreign']>, string> = {
  unsigned: 'Not signed: written by someone who can write the bucket, or by a Lockboard before records were signed. Do not trust what it says.',
  unknown_key: 'Signed with a key this Lockboard does not hold (another deployment, an earlier run without a configured key, or a rotated key). Do not trust what it says.',
  bad_signature: 'Its signature does not match: altered or forged. Do not trust what it says.',
};

/** JSON as it was recorded, wrapped to the width it has (never wider); a tall one scrolls down, by keyboard too. */
function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre role="region" tabIndex={0} aria-label={label} className="max-h-64 overflow-y-auto whitespace-pre-wrap rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-700 [overflow-wrap:anywhere]">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** What was seen and done: a full-width row under its record, so it fits whatever the columns. */
function DetailsRow({ record: r, id }: { record: AuditRecord; id: string }) {
  return (
    <tr id={id} data-testid="audit-details" className="bg-slate-50/60 max-md:block">
      <td colSpan={COLUMNS.length} className="px-3 pb-3 pt-1 text-xs max-md:block">
        <div className="space-y-2">
          {r.errorMessage ? <p className="text-red-900 [overflow-wrap:anywhere]">{r.errorMessage}</p> : null}
          <div className="grid gap-2 md:grid-cols-2">
            <div className="min-w-0">
              <p className="font-semibold">Seen by the operator</p>
              <Json value={r.seen} label={`What the operator saw, record ${r.id}`} />
            </div>
            {r.details ? (
              <div className="min-w-0">
                <p className="font-semibold">Found and done by the server</p>
                <Json value={r.details} label={`What the server found and did, record ${r.id}`} />
              </div>
            ) : null}
          </div>
          <p className="text-slate-600">
            Record <span className="font-mono [overflow-wrap:anywhere]">{r.id}</span>
            {r.completedAt ? (
              <>
                {' · completed '}
                <TimeText at={r.completedAt} show="absolute" />
              </>
            ) : null}
          </p>
        </div>
      </td>
    </tr>
  );
}

/** A card's label for a value the table's header names on a wide screen. */
const Label = ({ children }: { children: string }) => <span className="text-slate-600 md:hidden">{children} </span>;

/**
 * The audit log, newest first; each record opens to what was seen and done (`openId`: that record
 * starts open), its state key links to the state page. Below the md breakpoint each record is a card
 * (CSS only, one DOM): nothing scrolls sideways on a phone.
 */
export function AuditTable({ records, backendName, openId = null }: { records: AuditRecord[]; backendName: (id: string) => string; openId?: string | null }) {
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set(openId ? [openId] : []));
  const toggle = (id: string) =>
    setOpened((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <div className="rounded-md border border-slate-200 bg-white md:overflow-x-auto">
      <table className="w-full divide-y divide-slate-200 text-sm max-md:block">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 max-md:hidden">
          <tr>
            {COLUMNS.map((label) => (
              <th key={label} scope="col" className="px-3 py-2">
                <span className={label === 'Details' ? 'sr-only' : undefined}>{label}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 max-md:block">
          {records.map((r) => {
            const open = opened.has(r.id);
            const detailsId = `audit-details-${r.id}`;
            return (
              <Fragment key={r.id}>
                <tr
                  data-testid="audit-row"
                  data-outcome={r.outcome}
                  data-action={r.action}
                  data-record-id={r.id}
                  data-foreign={r.foreign}
                  aria-current={r.id === openId ? 'true' : undefined}
                  className={cn('align-top max-md:flex max-md:flex-wrap max-md:items-baseline max-md:gap-x-3 max-md:gap-y-1 max-md:px-3 max-md:py-3', r.id === openId ? 'bg-sky-50' : r.foreign && 'bg-red-50')}
                >
                  <td className="whitespace-nowrap px-3 py-2 text-xs max-md:order-first max-md:w-full max-md:p-0">
                    <TimeText at={r.time} stacked />
                  </td>
                  <td className="px-3 py-2 font-mono text-xs [overflow-wrap:anywhere] max-md:p-0">
                    {r.foreign ? (
                      <div className="mb-1 font-sans">
                        <Badge tone="red" title={FOREIGN_TITLE[r.foreign]}>
                          not written by Lockboard
                        </Badge>
                      </div>
                    ) : null}
                    <Label>by</Label>
                    {r.user}
                  </td>
                  <td className="px-3 py-2 text-xs max-md:p-0" title={r.action}>
                    {AUDIT_ACTION_WORDS[r.action] ?? r.action}
                  </td>
                  <td className="px-3 py-2 text-xs max-md:p-0">
                    <Label>backend</Label>
                    {backendName(r.backend)}
                  </td>
                  <td className="max-w-[26rem] px-3 py-2 text-xs max-md:w-full max-md:max-w-none max-md:p-0">
                    {r.key ? (
                      <Link href={statePageHref(r.backend, r.key)} className="font-mono text-sky-800 hover:underline" data-testid="audit-key">
                        <PathText text={r.key} />
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="max-w-[18rem] px-3 py-2 text-xs [overflow-wrap:anywhere] max-md:w-full max-md:max-w-none max-md:p-0">
                    <Label>Reason:</Label>
                    {r.reason ?? '—'}
                  </td>
                  <td className="px-3 py-2 text-xs max-md:p-0">
                    <Badge tone={OUTCOME_TONE[r.outcome]} title={OUTCOME_TITLE[r.outcome]}>
                      {r.outcome}
                    </Badge>
                    {r.errorCode ? <div className="mt-1 font-mono text-[11px] text-red-800">{r.errorCode}</div> : null}
                  </td>
                  <td className="px-3 py-2 text-xs max-md:p-0">
                    <button type="button" aria-expanded={open} aria-controls={open ? detailsId : undefined} onClick={() => toggle(r.id)} className="whitespace-nowrap text-sky-800 hover:underline">
                      <span aria-hidden>{open ? '▾' : '▸'}</span> Details
                    </button>
                  </td>
                </tr>
                {open ? <DetailsRow record={r} id={detailsId} /> : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
