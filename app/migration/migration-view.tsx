'use client';
import { useQuery } from '@tanstack/react-query';
import { ErrorBanner, Notice } from '@/components/error-banner';
import { FilterSelect } from '@/components/filter-select';
import type { PublicBackend } from '@/lib/api/backends';
import type { LockModeSeen } from '@/lib/api/migration';
import { useUrlParams } from '@/lib/client/use-url-params';
import { toClientError } from '@/lib/queries/fetch-json';
import { migrationQuery, useMigrationCleanup } from '@/lib/queries/migration';
import { useCanMutate } from '@/lib/queries/session';
import { cleanupItems, MigrationCleanup, OrphanLockfiles } from './migration-cleanup';
import { MigrationTable, MODE } from './migration-table';

/** Per backend: where each state stands in the move to use_lockfile, and the clean-up of leftovers. */
export function MigrationView({ backends }: { backends: PublicBackend[] }) {
  const { params, setParams } = useUrlParams();
  const backendId = params.get('backend') || backends[0]?.id || '';
  // An unknown id in the URL is asked anyway: the server's "no such backend" is the page's answer.
  const backend = backends.find((b) => b.id === backendId);
  const report = useQuery({ ...migrationQuery(backendId), enabled: backendId !== '' });
  const canMutate = useCanMutate();
  const cleanup = useMigrationCleanup(backendId);
  const data = report.data;
  const error = toClientError(report.error ?? cleanup.error);

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
      {error ? <ErrorBanner title="The migration view could not be read or changed" message={error.message} code={error.code} /> : null}
      {report.isPending ? <p className="text-sm text-slate-500">Reading lock traces…</p> : null}
      {data && backend ? (
        <>
          <div data-testid="migration-advice" className="rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950">
            <p className="font-semibold">{data.summary.advice}</p>
            <p className="text-xs">
              Configured here: {data.configured.dynamodbTable ? 'DynamoDB table' : 'no table'} · {data.configured.useLockfile ? 'lock files' : 'no lock files'} · bucket versioning {data.versioning} ·{' '}
              {(Object.keys(MODE) as LockModeSeen[]).map((m) => `${data.summary.counts[m]} ${MODE[m].label}`).join(' · ')}
              {data.summary.pending > 0 ? ` · ${data.summary.pending} still being read` : ''}
              {data.summary.mismatches > 0 ? ` · ${data.summary.mismatches} digest mismatch${data.summary.mismatches === 1 ? '' : 'es'} to repair` : ''}
            </p>
          </div>
          {data.notices.map((n, i) => (
            <Notice key={i}>{n}</Notice>
          ))}
          <MigrationTable backendId={backend.id} states={data.states} />
          <OrphanLockfiles report={data} />
          {canMutate ? (
            <MigrationCleanup
              key={backend.id}
              items={cleanupItems(data)}
              backend={backend}
              pending={cleanup.isPending}
              result={cleanup.data ?? null}
              onConfirm={(body) => cleanup.mutate(body)}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}
