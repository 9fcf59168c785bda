import { Fragment } from 'react';
import { Badge } from './badge';
import { TimeText } from './time-text';
import type { AuditOutcome, AuditRecord } from '@/lib/api/audit';

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

const FOREIGN_TITLE: Record<NonNullable<AuditRecord['foreign']>, string> = {
  unsigned: 'Not signed: written by someone who can write the bucket, or by a Lockboard before records were signed. Do not trust what it says.',
  unknown_key: 'Signed with a key this Lockboard does not hold (another deployment, an earlier run without a configured key, or a rotated key). Do not trust what it says.',
  bad_signature: 'Its signature does not match: altered or forged. Do not trust what it says.',
};

function Json({ value }: { value: unknown }) {
  return <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-700">{JSON.stringify(value, null, 2)}</pre>;
}

/** The audit log as a table, newest first; each row expands to what was seen and done (`openId`: that record starts expanded). */
export function AuditTable({ records, backendName, openId = null }: { records: AuditRecord[]; backendName: (id: string) => string; openId?: string | null }) {
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {['Time', 'User', 'Action', 'Backend', 'State key', 'Reason', 'Outcome'].map((label, i) => (
              <th key={i} scope="col" className="px-3 py-2">
                {label}
              </th>
            ))}
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Details</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {records.map((r) => (
            <Fragment key={r.id}>
              <tr data-testid="audit-row" data-outcome={r.outcome} data-action={r.action} data-record-id={r.id} data-foreign={r.foreign} aria-current={r.id === openId ? 'true' : undefined} className={r.id === openId ? 'bg-sky-50 align-top' : r.foreign ? 'bg-red-50 align-top' : 'align-top'}>
                <td className="whitespace-nowrap px-3 py-2 text-xs">
                  <TimeText at={r.time} stacked />
                </td>
                <td className="px-3 py-2 font-mono text-xs">
                  {r.foreign ? (
                    <div className="mb-1 font-sans">
                      <Badge tone="red" title={FOREIGN_TITLE[r.foreign]}>
                        not written by Lockboard
                      </Badge>
                    </div>
                  ) : null}
                  {r.user}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-xs">{r.action}</td>
                <td className="px-3 py-2 text-xs">{backendName(r.backend)}</td>
                <td className="min-w-[16rem] max-w-[26rem] break-all px-3 py-2 font-mono text-xs">{r.key ?? '—'}</td>
                <td className="min-w-[10rem] max-w-[18rem] px-3 py-2 text-xs">{r.reason ?? '—'}</td>
                <td className="px-3 py-2 text-xs">
                  <Badge tone={OUTCOME_TONE[r.outcome]} title={OUTCOME_TITLE[r.outcome]}>
                    {r.outcome}
                  </Badge>
                  {r.errorCode ? <div className="mt-1 font-mono text-[11px] text-red-800">{r.errorCode}</div> : null}
                </td>
                <td className="px-3 py-2 text-xs">
                  <details open={r.id === openId}>
                    <summary className="cursor-pointer text-sky-800">Details</summary>
                    <div className="mt-2 w-[28rem] max-w-[70vw] space-y-2">
                      {r.errorMessage ? <p className="text-red-900">{r.errorMessage}</p> : null}
                      <p className="font-semibold">Seen by the operator</p>
                      <Json value={r.seen} />
                      {r.details ? (
                        <>
                          <p className="font-semibold">Found and done by the server</p>
                          <Json value={r.details} />
                        </>
                      ) : null}
                      <p className="text-slate-500">
                        Record {r.id}
                        {r.completedAt ? (
                          <>
                            {' · completed '}
                            <TimeText at={r.completedAt} show="absolute" />
                          </>
                        ) : null}
                      </p>
                    </div>
                  </details>
                </td>
              </tr>
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
