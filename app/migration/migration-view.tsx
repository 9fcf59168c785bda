'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '@/components/badge';
import { ErrorBanner, Notice } from '@/components/error-banner';
import { FilterSelect } from '@/components/filter-select';
import { AppError } from '@/lib/api/errors';
import type { LockModeSeen, MigrationCleanupBody } from '@/lib/api/migration';
import { formatAge } from '@/lib/client/format';
import { useUrlParams } from '@/lib/client/use-url-params';
import { migrationQuery, useMigrationCleanup } from '@/lib/queries/migration';
import { useCanMutate } from '@/lib/queries/session';
import type { PublicBackend } from '@/lib/api/backends';

const MODE: Record<LockModeSeen, { label: string; tone: 'gray' | 'blue' | 'green' | 'amber' }> = {
  'dynamodb-only': { label: 'DynamoDB only', tone: 'amber' },
  dual: { label: 'dual (table + .tflock)', tone: 'blue' },
  'lockfile-only': { label: '.tflock only', tone: 'green' },
  unknown: { label: 'unknown', tone: 'gray' },
};

type Item = MigrationCleanupBody['items'][number];

/** Per backend: where each state stands in the move to use_lockfile, and the clean-up of leftovers. */
export function MigrationView({ backends }: { backends: PublicBackend[] }) {
  const { params, setParams } = useUrlParams();
  const backendId = params.get('backend') || backends[0]?.id || '';
  const report = useQuery({ ...migrationQuery(backendId), enabled: backendId !== '' });
  const canMutate = useCanMutate();
  const cleanup = useMigrationCleanup(backendId);
  const [reason, setReason] = useState('');
  const data = report.data;
  const items: Item[] = data
    ? [
        ...data.states.flatMap((s) => (s.leftover ? [{ kind: 'digest' as const, key: s.key, digest: s.leftover.digest }] : [])),
        ...data.orphanLockfiles.map((o) => ({ kind: 'lockfile' as const, key: o.key, id: o.id, etag: o.etag })),
      ]
    : [];
  const error = report.error ?? cleanup.error;

  return (
    <section aria-labelledby="migration-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 id="migration-heading" className="text-2xl font-semibold">
            Migration to use_lockfile
          </h1>
          <p className="text-sm text-slate-600">Terraform 1.11 deprecated dynamodb_table. Each state&apos;s lock mode, as seen from what it leaves in the table and the bucket.</p>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <FilterSelect
            label="Backend"
            value={backendId === backends[0]?.id ? '' : backendId}
            onChange={(v) => setParams({ backend: v })}
            options={backends.slice(1).map((b) => ({ value: b.id, label: b.name }))}
            emptyLabel={backends[0]?.name ?? '—'}
          />
          <button type="button" onClick={() => void report.refetch()} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100">
            {report.isFetching ? 'Reading…' : 'Read again'}
          </button>
        </div>
      </div>
      {error ? <ErrorBanner title="The migration view could not be read or changed" message={error instanceof AppError ? error.message : String(error)} code={error instanceof AppError ? error.code : 'internal'} /> : null}
      {report.isPending ? <p className="text-sm text-slate-500">Reading lock traces…</p> : null}
      {data ? (
        <>
          <div data-testid="migration-advice" className="rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950">
            <p className="font-semibold">{data.summary.advice}</p>
            <p className="text-xs">
              Configured here: {data.configured.dynamodbTable ? 'DynamoDB table' : 'no table'} · {data.configured.useLockfile ? 'lock files' : 'no lock files'} · bucket versioning {data.versioning} ·{' '}
              {(Object.keys(MODE) as LockModeSeen[]).map((m) => `${data.summary.counts[m]} ${MODE[m].label}`).join(' · ')}
            </p>
          </div>
          {data.notices.map((n, i) => (
            <Notice key={i}>{n}</Notice>
          ))}
          <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th className="px-3 py-2">State</th>
                  <th className="px-3 py-2">Lock mode seen</th>
                  <th className="px-3 py-2">Digest</th>
                  <th className="px-3 py-2">What it means</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.states.map((s) => (
                  <tr key={s.key} data-testid="migration-row" data-mode={s.mode} className="align-top">
                    <td className="break-all px-3 py-2 font-mono text-xs">{s.key}</td>
                    <td className="px-3 py-2">
                      <Badge tone={MODE[s.mode].tone}>{MODE[s.mode].label}</Badge>
                    </td>
                    <td className="px-3 py-2 text-xs">{s.leftover ? <Badge tone="red">left behind</Badge> : s.digest}</td>
                    <td className="px-3 py-2 text-xs text-slate-700">{s.explanation}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.orphanLockfiles.length ? (
            <div className="space-y-1 text-sm">
              <h2 className="font-semibold">Orphan .tflock objects</h2>
              <ul className="list-disc pl-5 text-xs">
                {data.orphanLockfiles.map((o) => (
                  <li key={o.key}>
                    <span className="font-mono">{o.key}</span> · {o.who || 'unknown holder'} · {formatAge(o.ageSeconds)} old · {o.why}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {canMutate && items.length > 0 ? (
            <form
              className="space-y-2 rounded-md border border-slate-200 bg-white p-3 text-sm"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim()) cleanup.mutate({ reason: reason.trim(), items });
              }}
            >
              <p>
                Clean up {items.length} leftover(s): each digest item is deleted only if it still holds the value listed, each orphan .tflock is released only if it is still the object
                listed. Audited.
              </p>
              <label className="block">
                <span className="font-medium">Reason</span>
                <input value={reason} onChange={(e) => setReason(e.target.value)} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
              </label>
              <button type="submit" disabled={!reason.trim() || cleanup.isPending} className="rounded bg-red-700 px-3 py-1.5 font-medium text-white disabled:bg-slate-300">
                {cleanup.isPending ? 'Cleaning up…' : `Clean up ${items.length}`}
              </button>
              {cleanup.data ? (
                <ul data-testid="cleanup-result" className="text-xs">
                  {cleanup.data.results.map((r) => (
                    <li key={`${r.kind}|${r.key}`}>
                      {r.outcome}: <span className="font-mono">{r.key}</span> ({r.kind}) {r.outcome !== 'removed' ? r.message : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
