import Link from 'next/link';
import { Fragment, type ReactNode } from 'react';
import { Badge } from './badge';
import { CopyButton } from './copy-button';
import { DigestBadge } from './digest-badge';
import { formatAge, formatBytes, formatLocalTime } from '@/lib/client/format';
import type { StateEntry } from '@/lib/services/list-states';
import { explainDigest } from '@/lib/terraform/digest';
import { freezeOf } from '@/lib/terraform/freeze-lock';

export interface StateRow extends StateEntry {
  backendId: string;
  backendName: string;
  bucket: string;
}

/** The state page of one state (deep link by backend and key). */
export function statePageHref(backendId: string, key: string): string {
  return `/state?backend=${encodeURIComponent(backendId)}&key=${encodeURIComponent(key)}`;
}

const COLUMNS = ['State path', 'Backend', 'Size', 'Last modified', 'Digest', 'Lock', ''];

function Explanation({ row }: { row: StateRow }) {
  const explanation = explainDigest({ status: row.digestStatus, bucket: row.bucket, key: row.key, digest: row.digest, calculatedMd5: row.calculatedMd5 ?? null, objectEmpty: row.size === 0 });
  if (!explanation) return null;
  return (
    <tr data-testid="digest-explanation" data-key={row.key} className="bg-red-50/60">
      <td colSpan={COLUMNS.length} className="px-3 pb-3 pt-0 text-xs text-red-900">
        <div role="note" aria-label={`Digest problem of ${row.key}`} className="space-y-1 border-l-2 border-red-300 pl-3">
          <p>
            <span className="font-semibold">What Terraform will do: </span>
            {explanation.consequence}
          </p>
          <p>
            <span className="font-semibold">Fix: </span>
            {explanation.fix}
          </p>
          {explanation.setDigestTo ? (
            <p className="flex items-center gap-2">
              Calculated MD5: <code data-testid="calculated-md5" className="font-mono">{explanation.setDigestTo}</code>
              <CopyButton text={explanation.setDigestTo} label={`Copy the calculated MD5 of ${row.key}`} />
            </p>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

export function StateTable({ rows, renderActions }: { rows: StateRow[]; renderActions?: (row: StateRow) => ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {COLUMNS.map((label, i) => (
              <th key={i} scope="col" className="px-3 py-2">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <Fragment key={`${row.backendId}|${row.key}`}>
              <tr data-testid="state-row" data-digest-status={row.digestStatus} data-key={row.key} className="align-top">
                <td className="max-w-[28rem] px-3 py-2">
                  <Link href={statePageHref(row.backendId, row.key)} className="break-all font-mono text-xs text-sky-800 hover:underline">
                    {row.key}
                  </Link>
                  <div className="mt-1 flex flex-wrap gap-1">
                    <Badge tone="blue" title="Terraform workspace">
                      {row.workspace}
                    </Badge>
                    {row.size === null ? <Badge tone="red" title="No object at this key">no object</Badge> : null}
                  </div>
                </td>
                <td className="px-3 py-2 text-xs">{row.backendName}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs">{row.size === null ? '—' : formatBytes(row.size)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs">{row.lastModified ? formatLocalTime(row.lastModified) : '—'}</td>
                <td className="px-3 py-2 text-xs">
                  <DigestBadge status={row.digestStatus} reason={row.digestReason} />
                  {row.digest ? (
                    <div className="mt-1 font-mono text-[11px] text-slate-500" title={`Stored digest: ${row.digest}`}>
                      {row.digest}
                    </div>
                  ) : null}
                  {row.digestStatus === 'unverified' && row.digestReason ? <div className="mt-1 max-w-xs text-amber-900">{row.digestReason}</div> : null}
                </td>
                <td className="px-3 py-2 text-xs">
                  {row.lock ? (
                    <div data-testid="state-lock" data-lock-id={row.lock.id}>
                      <div className="font-mono">{row.lock.who || '(unknown holder)'}</div>
                      <div className="text-slate-500">
                        {row.lock.operation || '—'} · {row.lock.ageSeconds === null ? 'age unknown' : `${formatAge(row.lock.ageSeconds)} ago`}
                      </div>
                      {freezeOf(row.lock) ? (
                        <Badge tone="blue" title={`Frozen on purpose: ${freezeOf(row.lock)!.reason}`}>
                          frozen
                        </Badge>
                      ) : row.lock.stale ? (
                        <Badge tone="amber" title="Older than the stale threshold">
                          stale
                        </Badge>
                      ) : null}
                    </div>
                  ) : (
                    <span className="text-slate-400">unlocked</span>
                  )}
                </td>
                <td className="px-3 py-2">{renderActions?.(row)}</td>
              </tr>
              <Explanation row={row} />
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
