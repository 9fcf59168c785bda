'use client';
import Link from 'next/link';
import { useId } from 'react';
import { AuditTable } from '@/components/audit-table';
import { ErrorBanner, Notice } from '@/components/error-banner';
import { FilterSelect } from '@/components/filter-select';
import { PageHeader } from '@/components/page-header';
import { AUDIT_OUTCOMES } from '@/lib/api/audit-kinds';
import { auditPageHref } from '@/lib/api/urls';
import { AUDIT_ACTION_OPTIONS, auditSubtitle } from '@/lib/client/audit-words';
import type { PublicBackend } from '@/lib/api/backends';
import { useAudit } from '@/lib/queries/audit';
import { toClientError } from '@/lib/queries/fetch-json';
import { useUrlParams } from '@/lib/client/use-url-params';

const LIMITS = [50, 100, 200, 500];

/** The audit log with its filters, all kept in the URL so a filtered view can be shared. */
export function AuditLogView({ backends, pollMs }: { backends: PublicBackend[]; pollMs: number }) {
  const { params, setParams } = useUrlParams();
  const id = useId();
  const filters = {
    backend: params.get('backend') ?? '',
    action: params.get('action') ?? '',
    outcome: params.get('outcome') ?? '',
    user: params.get('user') ?? '',
    id: params.get('id') ?? '',
    limit: LIMITS.includes(Number(params.get('limit'))) ? Number(params.get('limit')) : 50,
    foreign: params.get('foreign') === 'show' ? 'show' : '',
  };
  const audit = useAudit(filters, Math.max(pollMs, 10_000));

  const setParam = (name: string, value: string) => setParams({ [name]: value });

  const names = new Map(backends.map((b) => [b.id, b.name]));
  const error = toClientError(audit.error);

  return (
    <section aria-labelledby="audit-heading" className="space-y-4">
      <PageHeader id="audit-heading" title="Audit log" description={auditSubtitle()}>
        <form className="flex flex-wrap items-center gap-3 text-sm" onSubmit={(e) => e.preventDefault()} role="search" aria-label="Filter the audit log">
          <FilterSelect label="Backend" value={filters.backend} onChange={(v) => setParam('backend', v)} options={backends.map((b) => ({ value: b.id, label: b.name }))} />
          <FilterSelect label="Action" value={filters.action} onChange={(v) => setParam('action', v)} options={AUDIT_ACTION_OPTIONS} emptyLabel="Any" />
          <FilterSelect label="Outcome" value={filters.outcome} onChange={(v) => setParam('outcome', v)} options={AUDIT_OUTCOMES} emptyLabel="Any" />
          <span className="flex items-center gap-1">
            <label htmlFor={`${id}-user`}>User</label>
            <input id={`${id}-user`} type="search" defaultValue={filters.user} onChange={(e) => setParam('user', e.target.value.trim())} className="w-48 rounded border border-slate-300 px-2 py-1" />
          </span>
          <span className="flex items-center gap-1">
            <label htmlFor={`${id}-limit`}>Show</label>
            <select id={`${id}-limit`} value={filters.limit} onChange={(e) => setParam('limit', e.target.value === '50' ? '' : e.target.value)} className="rounded border border-slate-300 px-2 py-1">
              {LIMITS.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </span>
        </form>
      </PageHeader>

      {error ? <ErrorBanner title="The audit log could not be read" message={error.message} code={error.code} /> : null}
      {(audit.data?.errors ?? []).map((e, i) => (
        <ErrorBanner key={i} title={`Audit records of backend "${names.get(e.backend ?? '') ?? e.backend}" could not be read`} message={e.message} code={e.code} />
      ))}
      {filters.id ? (
        <p data-testid="audit-one-record" className="rounded-md border border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-950">
          Showing audit record <code className="font-mono text-xs">{filters.id}</code> only, opened.{' '}
          <Link href={auditPageHref(filters.backend)} className="underline">
            Show all records
          </Link>
        </p>
      ) : null}
      <ForeignNotice foreign={audit.data?.foreign} showing={filters.foreign === 'show'} onChange={(show) => setParam('foreign', show ? 'show' : '')} />
      {audit.data?.truncated ? <Notice>Only the most recent records of each backend were searched for this filter; narrow it (backend, action) to look further back.</Notice> : null}

      {audit.isPending ? (
        <p className="text-sm text-slate-500">Loading the audit log…</p>
      ) : (audit.data?.records.length ?? 0) === 0 ? (
        <div className="rounded-md border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">No audit record matches.</div>
      ) : (
        <AuditTable key={filters.id} records={audit.data?.records ?? []} backendName={(b) => names.get(b) ?? b} openId={filters.id || null} />
      )}
    </section>
  );
}

/** What the listing left out or flagged: records Lockboard did not write (planted, or from before signing) and objects that are not records. */
function ForeignNotice({ foreign, showing, onChange }: { foreign: { hidden: number; unreadable: number } | undefined; showing: boolean; onChange: (show: boolean) => void }) {
  if (!foreign) return null;
  const { hidden, unreadable } = foreign;
  if (!showing && hidden === 0 && unreadable === 0) return null;
  return (
    <div data-testid="audit-foreign" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950">
      {showing ? (
        <p>
          Records not written by Lockboard (unsigned or wrongly signed: planted by someone who can write the bucket, or from before records were signed) are shown, flagged.{' '}
          <button type="button" onClick={() => onChange(false)} className="underline">
            Hide them
          </button>
        </p>
      ) : hidden > 0 ? (
        <p>
          {hidden} {hidden === 1 ? 'record' : 'records'} not written by Lockboard (unsigned or wrongly signed: planted by someone who can write the bucket, or from before records were signed) {hidden === 1 ? 'is' : 'are'} hidden.{' '}
          <button type="button" onClick={() => onChange(true)} className="underline">
            Show them, flagged
          </button>
        </p>
      ) : null}
      {unreadable > 0 ? (
        <p>
          {unreadable} {unreadable === 1 ? 'object' : 'objects'} under the audit prefix {unreadable === 1 ? 'is' : 'are'} not an audit record (too large to be one, or not a record) and {unreadable === 1 ? 'was' : 'were'} not read.
        </p>
      ) : null}
    </div>
  );
}
