import Link from 'next/link';
import { Fragment, type ReactNode } from 'react';
import { Badge } from './badge';
import { DigestBadge } from './digest-badge';
import { DigestExplanation } from './digest-explanation';
import { LastKnown } from './last-known';
import { PathText } from './path-text';
import { WriterText } from './writer-text';
import { TimeText } from './time-text';
import { cn } from '@/lib/client/cn';
import { formatAge, formatBytes } from '@/lib/client/format';
import type { InventoryState } from '@/lib/api/inventory';
import type { LastWriter } from '@/lib/api/last-writers';
import type { StateEntry } from '@/lib/api/states';
import type { LockStatus } from '@/lib/client/lock-status';
import type { WriterContext, WriterFacts } from '@/lib/client/writer-words';
import { withDigestEvidence } from '@/lib/terraform/attribution';
import { explainDigest } from '@/lib/terraform/digest';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import { operationLabel } from '@/lib/client/lock-words';

/** The last writer of a row's current version, as far as it was looked up. */
export type LastWriterView =
  | { status: 'loading' }
  | { status: 'ready'; writer: LastWriter; context: WriterContext }
  | { status: 'error'; message: string }
  | { status: 'not_looked_up' };

export interface StateRow extends StateEntry {
  backendId: string;
  backendName: string;
  bucket: string;
  lockStatus: LockStatus;
  /** Set when the backend's last read failed: the server's read time of this row (last known, not current). */
  lastKnown: string | null;
  /** The inventory summary of the current object (undefined: not indexed yet). */
  contents?: InventoryState;
  /** Who wrote the current object (undefined: not shown, e.g. no object). */
  lastWriter?: LastWriterView;
}

function Contents({ c }: { c: InventoryState }) {
  if (c.kind !== 'plaintext') return <div data-testid="state-contents" className="mt-1 text-[11px] text-amber-900">{c.note}</div>;
  return (
    <div data-testid="state-contents" className="mt-1 text-[11px] text-slate-600">
      serial {c.serial ?? '?'} · TF {c.terraformVersion ?? '?'} · {c.resourceCount ?? '?'} resources{c.providers.length ? ` · ${c.providers.join(', ')}` : ''}
    </div>
  );
}

/** The last writer's words, with what the digest says about the row's object (it names that content only). */
function readyFacts(writer: LastWriter, row: Pick<StateRow, 'etag' | 'digestStatus'>): WriterFacts {
  const a = withDigestEvidence({ etag: writer.etag, deleteMarker: false }, { writer: writer.writer, basis: writer.attribution }, { etag: row.etag, fails: row.digestStatus === 'mismatch' });
  return { writer: a.writer, attribution: a.basis, heldBy: a.heldBy, lockBasis: a.lockBasis };
}

function LastWriterLine({ view, row }: { view: LastWriterView; row: StateRow }) {
  return (
    <div data-testid="last-writer" data-status={view.status} className="mt-1 flex flex-wrap items-baseline gap-x-1 text-[11px] text-slate-600">
      <span>last writer:</span>{' '}
      {view.status === 'ready' ? (
        <WriterText facts={readyFacts(view.writer, row)} context={view.context} showOperation={false} />
      ) : view.status === 'loading' ? (
        <span>…</span>
      ) : view.status === 'error' ? (
        <span className="text-amber-900">unknown: {view.message}</span>
      ) : (
        <span>not looked up (only the first rows are)</span>
      )}
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
    <tr data-testid="digest-explanation" data-key={row.key} className="bg-red-50/60 max-md:block">
      <td colSpan={COLUMNS.length} className="px-3 pb-3 pt-0 max-md:block">
        <DigestExplanation explanation={explanation} subject={row.key} label={`Digest problem of ${row.key}`} />
      </td>
    </tr>
  );
}

/** The column header says "Lock" on a wide screen; a card says it in the text. */
const LOCK_LABEL = <span className="font-semibold text-slate-600 md:hidden">Lock: </span>;

function LockCell({ row }: { row: StateRow }) {
  if (row.lock) {
    return (
      <div data-testid="state-lock" data-lock-id={row.lock.id}>
        {LOCK_LABEL}
        <span className="font-semibold text-slate-800">locked</span> <span className="font-mono">{row.lock.who || '(unknown holder)'}</span>
        <div className="text-slate-500">
          {row.lock.operation ? operationLabel(row.lock.operation) : '—'} · {row.lock.ageSeconds === null ? 'age unknown' : `${formatAge(row.lock.ageSeconds)} ago`}
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
    );
  }
  if (row.lockStatus.status === 'unknown') {
    return (
      <span data-testid="state-lock-unknown" className="text-amber-900">
        {LOCK_LABEL}
        <span className="font-semibold">unknown</span>: {row.lockStatus.why}
      </span>
    );
  }
  return (
    <span className="text-slate-600">
      {LOCK_LABEL}free
    </span>
  );
}

export function StateTable({ rows, renderActions }: { rows: StateRow[]; renderActions?: (row: StateRow) => ReactNode }) {
  return (
    // Below the md breakpoint each row is a card (path, digest, lock, size and time, actions): no
    // sideways scrolling on a phone. One DOM for both, so nothing is rendered twice.
    <div className="rounded-md border border-slate-200 bg-white md:overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm max-md:block">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 max-md:hidden">
          <tr>
            {COLUMNS.map((label, i) => (
              <th key={i} scope="col" className="px-3 py-2">
                <span className={label === 'Actions' ? 'sr-only' : undefined}>{label}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 max-md:block">
          {rows.map((row, index) => (
            <Fragment key={`${row.backendId}|${row.key}`}>
              <tr
                data-testid="state-row"
                data-row-index={index}
                data-digest-status={row.digestStatus}
                data-key={row.key}
                data-lock-status={row.lockStatus.status}
                data-last-known={row.lastKnown ? 'true' : undefined}
                className={cn('align-top max-md:flex max-md:flex-wrap max-md:items-baseline max-md:gap-x-3 max-md:gap-y-1 max-md:px-3 max-md:py-3', row.lastKnown && 'bg-slate-100 text-slate-600')}
              >
                <td className="max-w-[28rem] px-3 py-2 max-md:w-full max-md:max-w-none max-md:p-0">
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
                  {row.lastWriter ? <LastWriterLine view={row.lastWriter} row={row} /> : null}
                </td>
                <td className="px-3 py-2 text-xs max-md:order-last max-md:w-full max-md:p-0 max-md:text-slate-600 max-md:before:content-['Backend_']">{row.backendName}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs max-md:p-0 max-md:text-slate-600">{row.size === null ? '—' : formatBytes(row.size)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs max-md:p-0 max-md:text-slate-600">{row.lastModified ? <TimeText at={row.lastModified} stacked /> : '—'}</td>
                <td className="px-3 py-2 text-xs max-md:w-full max-md:p-0">
                  <DigestBadge status={row.digestStatus} reason={row.digestReason} />
                  {row.digest ? (
                    <div className="mt-1 font-mono text-[11px] text-slate-500 [overflow-wrap:anywhere]" title={`Stored digest: ${row.digest}`}>
                      {row.digest}
                    </div>
                  ) : null}
                  {row.digestStatus === 'unverified' && row.digestReason ? <div className="mt-1 max-w-xs text-amber-900 max-md:max-w-none">{row.digestReason}</div> : null}
                </td>
                <td data-testid="state-lock-cell" className="px-3 py-2 text-xs max-md:w-full max-md:p-0">
                  <LockCell row={row} />
                </td>
                <td className="px-3 py-2 max-md:w-full max-md:p-0 max-md:empty:hidden">{renderActions?.(row)}</td>
              </tr>
              <Explanation row={row} />
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
