import Link from 'next/link';
import { Fragment, type ReactNode } from 'react';
import { Badge } from './badge';
import { DigestBadge } from './digest-badge';
import { DigestExplanation } from './digest-explanation';
import { LastKnown } from './last-known';
import { PathText } from './path-text';
import { TimeText } from './time-text';
import { cn } from '@/lib/client/cn';
import { formatAge, formatBytes } from '@/lib/client/format';
import type { InventoryState } from '@/lib/api/inventory';
import type { StateEntry } from '@/lib/api/states';
import type { LockStatus } from '@/lib/client/lock-status';
import { explainDigest } from '@/lib/terraform/digest';
import { freezeOf } from '@/lib/terraform/freeze-lock';

export interface StateRow extends StateEntry {
  backendId: string;
  backendName: string;
  bucket: string;
  lockStatus: LockStatus;
  /** Set when the backend's last read failed: the server's read time of this row (last known, not current). */
  lastKnown: string | null;
  /** The inventory summary of the current object (undefined: not indexed yet). */
  contents?: InventoryState;
}

function Contents({ c }: { c: InventoryState }) {
  if (c.kind !== 'plaintext') return <div data-testid="state-contents" className="mt-1 text-[11px] text-amber-900">{c.note}</div>;
  return (
    <div data-testid="state-contents" className="mt-1 text-[11px] text-slate-600">
      serial {c.serial ?? '?'} · TF {c.terraformVersion ?? '?'} · {c.resourceCount ?? '?'} resources{c.providers.length ? ` · ${c.providers.join(', ')}` : ''}
    </div>
  );
}

/** The state page of one state (deep link by backend and key). */
export function statePageHref(backendId: string, key: string): string {
  return `/state?backend=${encodeURIComponent(backendId)}&key=${encodeURIComponent(key)}`;
}

const COLUMNS = ['State path', 'Backend', 'Size', 'Last modified', 'Digest', 'Lock', 'Actions'];

function Explanation({ row }: { row: StateRow }) {
  const explanation = explainDigest({ status: row.digestStatus, bucket: row.bucket, key: row.key, digest: row.digest, calculatedMd5: row.calculatedMd5 ?? null, objectEmpty: row.size === 0 });
  if (!explanation) return null;
  return (
    <tr data-testid="digest-explanation" data-key={row.key} className="bg-red-50/60">
      <td colSpan={COLUMNS.length} className="px-3 pb-3 pt-0">
        <DigestExplanation explanation={explanation} subject={row.key} label={`Digest problem of ${row.key}`} />
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
                <span className={label === 'Actions' ? 'sr-only' : undefined}>{label}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <Fragment key={`${row.backendId}|${row.key}`}>
              <tr
                data-testid="state-row"
                data-digest-status={row.digestStatus}
                data-key={row.key}
                data-lock-status={row.lockStatus.status}
                data-last-known={row.lastKnown ? 'true' : undefined}
                className={cn('align-top', row.lastKnown && 'bg-slate-100 text-slate-600')}
              >
                <td className="max-w-[28rem] px-3 py-2">
                  {row.lastKnown ? <LastKnown at={row.lastKnown} /> : null}
                  <Link href={statePageHref(row.backendId, row.key)} className="font-mono text-xs text-sky-800 hover:underline">
                    <PathText text={row.key} />
                  </Link>
                  <div className="mt-1 flex flex-wrap gap-1">
                    <Badge tone="blue" title="Terraform workspace">
                      {row.workspace}
                    </Badge>
                    {row.size === null ? <Badge tone="red" title="No object at this key">no object</Badge> : null}
                  </div>
                  {row.contents && row.contents.etag === row.etag ? <Contents c={row.contents} /> : null}
                </td>
                <td className="px-3 py-2 text-xs">{row.backendName}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs">{row.size === null ? '—' : formatBytes(row.size)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs">{row.lastModified ? <TimeText at={row.lastModified} stacked /> : '—'}</td>
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
                  ) : row.lockStatus.status === 'unknown' ? (
                    <span data-testid="state-lock-unknown" className="text-amber-900">
                      <span className="font-semibold">unknown</span>: {row.lockStatus.why}
                    </span>
                  ) : (
                    <span className="text-slate-600">free</span>
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
