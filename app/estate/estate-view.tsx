'use client';
import { useQuery } from '@tanstack/react-query';
import { ESTATE_PROBLEMS, type EstateProblem, type EstateQuery } from '@/lib/api/estate';
import { PROBLEM_WORDS } from '@/lib/client/estate-words';
import { useUrlParams } from '@/lib/client/use-url-params';
import { toClientError } from '@/lib/queries/fetch-json';
import { estateQuery } from '@/lib/queries/estate';
import { ErrorBanner } from '@/components/error-banner';
import { EstateAccountCard } from '@/components/estate-account';
import { EstateFindings } from '@/components/estate-findings';
import { EstateProgress } from '@/components/estate-progress';
import { EstateRollups } from '@/components/estate-rollups';
import { FilterSelect } from '@/components/filter-select';
import { PageHeader } from '@/components/page-header';
import { DecisionButtons, useDecisionDialog } from './decision-action';

const isProblem = (v: string): v is EstateProblem => (ESTATE_PROBLEMS as readonly string[]).includes(v);

/** The estate: discovery's progress, the roll-up per problem, then each account's backends; filters in the URL. */
export function EstateView({ pollMs }: { pollMs: number }) {
  const { params, setParams } = useUrlParams();
  const problemParam = params.get('problem') ?? '';
  const filters: EstateQuery = {
    ...(params.get('account') ? { account: params.get('account')! } : {}),
    ...(params.get('region') ? { region: params.get('region')! } : {}),
    ...(isProblem(problemParam) ? { problem: problemParam } : {}),
  };
  const estate = useQuery(estateQuery(filters, pollMs));
  const decisions = useDecisionDialog();
  const data = estate.data;
  const error = toClientError(estate.error);
  const counts = data?.counts;
  return (
    <section aria-labelledby="estate-heading" className="space-y-5">
      <PageHeader
        id="estate-heading"
        title="Estate"
        description={
          counts
            ? `${data.accountCount} accounts · ${counts.configured + counts.watched + counts.not_seen} backends watched · ${counts.proposed} proposed · ${counts.ignored} ignored`
            : 'Every Terraform S3 backend of the organisation’s accounts, found by discovery.'
        }
      >
        <div className="flex flex-wrap items-center gap-3 text-sm" role="group" aria-label="Filters">
          <FilterSelect label="Account" value={filters.account ?? ''} onChange={(v) => setParams({ account: v })} options={(data?.choices.accounts ?? []).map((a) => ({ value: a.id, label: a.name ? `${a.name} (${a.id})` : a.id }))} />
          <FilterSelect label="Region" value={filters.region ?? ''} onChange={(v) => setParams({ region: v })} options={data?.choices.regions ?? []} />
          <FilterSelect label="Problem" value={filters.problem ?? ''} onChange={(v) => setParams({ problem: v })} options={ESTATE_PROBLEMS.map((p) => ({ value: p, label: PROBLEM_WORDS[p] }))} emptyLabel="Any" />
        </div>
      </PageHeader>
      {error ? <ErrorBanner title="The estate could not be read" message={error.message} code={error.code} /> : null}
      {estate.isPending ? <p className="text-sm text-slate-600">Reading the estate…</p> : null}
      {data ? (
        <>
          <EstateProgress progress={data.progress} />
          {data.progress.findings.length > 0 ? (
            <div className="space-y-2 rounded-md border border-red-300 bg-white p-3">
              <h2 className="font-semibold">Discovery problems</h2>
              <EstateFindings findings={data.progress.findings} testId="run-findings" />
            </div>
          ) : null}
          {data.enabled ? <EstateRollups rollups={data.rollups} accountCount={data.accountCount} active={filters.problem ?? null} onPick={(p) => setParams({ problem: p })} /> : null}
          {data.accounts.length === 0 && data.enabled ? <p className="text-sm text-slate-600">Nothing matches these filters.</p> : null}
          <div className="space-y-4">
            {data.accounts.map((a) => (
              <EstateAccountCard key={a.id || 'other'} account={a} action={data.canDecide ? (b) => <DecisionButtons backend={b} onOpen={decisions.open} /> : undefined} />
            ))}
          </div>
        </>
      ) : null}
      {decisions.element}
    </section>
  );
}
