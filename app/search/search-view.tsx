'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBanner, Notice } from '@/components/error-banner';
import { indexingWords } from '@/components/inventory-progress';
import { InventoryResults, KIND_TEXT } from '@/components/inventory-results';
import type { PublicBackend } from '@/lib/api/backends';
import { toClientError } from '@/lib/queries/fetch-json';
import { searchQuery } from '@/lib/queries/inventory';
import { useUrlParams } from '@/lib/client/use-url-params';

const EXAMPLES = ['aws_iam_role.deployer', 'type:aws_s3_bucket', 'module:network', 'provider:hashicorp/aws', 'tf:<1.6', 'output:vpc_id', 'aws_instance.web["blue"]', 'module.*.aws_iam_role.*'];


export function SearchView({ backends }: { backends: PublicBackend[] }) {
  const { params, setParams } = useUrlParams();
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  const [shownQ, setShownQ] = useState(q);
  // The URL changed (an example, back/forward): the box follows it.
  if (shownQ !== q) {
    setShownQ(q);
    setDraft(q);
  }
  const result = useQuery(searchQuery(q));
  const data = result.data;
  const name = (id: string) => backends.find((b) => b.id === id)?.name ?? id;
  const unsearchable = Object.entries(data?.unsearchable ?? {});
  const indexing = data?.backends.filter((b) => b.phase !== 'error') ?? [];
  const outdated = data?.hits.filter((h) => h.freshness === 'changed' || h.freshness === 'deleted').length ?? 0;

  return (
    <section aria-labelledby="search-heading" className="space-y-4">
      <div>
        <h1 id="search-heading" className="text-2xl font-semibold">
          Search every state
        </h1>
        <p className="text-sm text-slate-600">
          Resource address (wildcards <code>*</code>, instance keys), <code>type:</code>, <code>module:</code>, <code>provider:</code>, <code>tf:</code> (Terraform version or constraint), <code>output:</code>, <code>state:</code>. Terms combine (all must hold). Values are never indexed.
        </p>
      </div>
      <form
        role="search"
        aria-label="Search states"
        className="flex flex-wrap gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ q: draft.trim() || null });
        }}
      >
        <input type="search" aria-label="Query" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="aws_iam_role.deployer tf:<1.6" className="w-[32rem] max-w-full rounded border border-slate-300 px-2 py-1 font-mono text-sm" />
        <button type="submit" className="rounded bg-sky-700 px-3 py-1 text-sm text-white hover:bg-sky-800">
          Search
        </button>
      </form>
      <p className="flex flex-wrap gap-2 text-xs text-slate-600">
        Examples:
        {EXAMPLES.map((ex) => (
          <button key={ex} type="button" onClick={() => setParams({ q: ex })} className="font-mono text-sky-800 hover:underline">
            {ex}
          </button>
        ))}
      </p>

      {result.error ? <ErrorBanner title="Search failed" message={result.error.message} code={toClientError(result.error)?.code} /> : null}
      {data?.warnings.map((w) => <Notice key={w}>{w}</Notice>)}
      {data?.backends
        .filter((b) => b.phase === 'error')
        .map((b) => (
          <Notice key={b.backendId}>{`Backend "${name(b.backendId)}" could not be indexed fully: ${b.error}`}</Notice>
        ))}
      {indexing.length ? (
        <Notice>
          Being indexed: {indexing.map((b) => `${name(b.backendId)} (${indexingWords(b)})`).join(', ')}. Results may be incomplete or outdated meanwhile and refresh by themselves.
        </Notice>
      ) : null}
      {q && data ? (
        <p className="text-sm text-slate-700" data-testid="search-summary">
          {/* Only the result is announced: the time taken changes on every refetch while indexing. */}
          <span aria-live="polite">
            {data.total} state(s) match{data.total > data.hits.length ? ` (first ${data.hits.length} shown)` : ''}
            {outdated ? ` · ${outdated} outdated (the state changed since it was indexed)` : ''}
          </span>{' '}
          · {data.tookMs} ms
          {unsearchable.length ? ` · not searchable: ${unsearchable.map(([k, n]) => `${n} ${KIND_TEXT[k] ?? k}`).join(', ')}` : ''}
        </p>
      ) : null}
      {data && data.hits.length ? <InventoryResults hits={data.hits} backendName={name} /> : null}
      {q && result.isPending ? <p className="text-sm text-slate-500">Searching…</p> : null}
    </section>
  );
}
