import Link from 'next/link';
import { Badge } from './badge';
import { CardLabel, CardTableHead } from './card-label';
import { PathText } from './path-text';
import { statePageHref } from './state-table';
import type { InventoryState, SearchResultHit } from '@/lib/api/inventory';

/** The kinds of state content that are not plain Terraform JSON, in words. */
export const KIND_TEXT: Record<string, string> = {
  encrypted: 'OpenTofu-encrypted',
  not_json: 'not JSON',
  truncated: 'truncated',
  other_json: 'not a state',
  empty: 'empty',
  too_large: 'too large',
};

/** Why a hit no longer describes the state, with the serial it was indexed at; null when it does. */
export function freshnessWords(hit: Pick<SearchResultHit, 'freshness' | 'freshnessNote' | 'serial'>): string | null {
  const at = hit.serial === null ? 'indexed' : `indexed at serial ${hit.serial}`;
  switch (hit.freshness) {
    case 'current':
      return null;
    case 'changed':
      return `${at}; the state has changed since: re-indexing`;
    case 'deleted':
      return `${at}; the state is no longer in the bucket (deleted since)`;
    default:
      return `${at}; whether it changed since is unknown: ${hit.freshnessNote ?? 'the bucket listing is not available'}`;
  }
}

/** Search hits: state paths (linked to the state page) with the matching addresses; an outdated hit says so. */
export function InventoryResults({ hits, backendName }: { hits: SearchResultHit[]; backendName: (id: string) => string }) {
  return (
    <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
      {hits.map((h) => {
        const outdated = freshnessWords(h);
        return (
          <li key={`${h.backendId}|${h.key}`} data-testid="search-hit" data-key={h.key} data-freshness={h.freshness} className="space-y-1 px-3 py-2 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <Link href={statePageHref(h.backendId, h.key)} className="font-mono text-xs text-sky-800 hover:underline">
                <PathText text={h.key} />
              </Link>
              <Badge tone="gray">{backendName(h.backendId)}</Badge>
              {outdated ? <Badge tone="amber">{h.freshness === 'unchecked' ? 'not checked' : 'outdated'}</Badge> : null}
              {h.terraformVersion ? <Badge tone="blue" title="terraform_version">TF {h.terraformVersion}</Badge> : null}
              {h.serial !== null && !outdated ? <span className="text-xs text-slate-600">serial {h.serial}</span> : null}
              {h.resourceCount !== null ? <span className="text-xs text-slate-600">{h.resourceCount} resources</span> : null}
              {KIND_TEXT[h.kind] ? <Badge tone="amber">{KIND_TEXT[h.kind]}</Badge> : null}
            </div>
            {outdated ? (
              <p data-testid="search-hit-outdated" className="text-xs text-amber-900">
                {outdated}
              </p>
            ) : null}
            {h.matches.length ? (
              <ul className="flex flex-wrap gap-x-3 gap-y-0.5 font-mono text-xs text-slate-700" aria-label={`Matching addresses in ${h.key}`}>
                {h.matches.map((m) => (
                  <li key={m} className="[overflow-wrap:anywhere]">
                    {m}
                  </li>
                ))}
                {h.matchCount > h.matches.length ? <li className="text-slate-600">…and {h.matchCount - h.matches.length} more</li> : null}
              </ul>
            ) : null}
            {h.outputs.length ? (
              <p className="text-xs text-slate-600">
                outputs: <span className="font-mono">{h.outputs.join(', ')}</span>
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

const COLUMNS = ['State', 'Serial', 'Terraform', 'Resources', 'Providers', 'Outputs'];

/**
 * What is in each state of one backend, as indexed: serial, Terraform version, resource count,
 * providers and outputs (names only), or what kind of content it is when it cannot be read. A table on
 * a wide screen, a card per state below md (one DOM for both).
 */
export function InventoryStates({ backendId, states, limit = 200 }: { backendId: string; states: InventoryState[]; limit?: number }) {
  const rows = states.slice(0, limit);
  return (
    <div className="space-y-1">
      <div className="rounded-md border border-slate-200 md:overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-left text-xs max-md:block">
          <CardTableHead columns={COLUMNS} className="bg-slate-50 text-slate-600" cellClassName="px-2 py-1 font-semibold" />
          <tbody className="divide-y divide-slate-100 max-md:block">
            {rows.map((s) => (
              <tr key={s.key} data-testid="inventory-state" data-key={s.key} className="align-top max-md:flex max-md:flex-wrap max-md:gap-x-4 max-md:gap-y-1 max-md:px-3 max-md:py-2">
                <td className="px-2 py-1 max-md:w-full max-md:p-0">
                  <Link href={statePageHref(backendId, s.key)} className="font-mono text-sky-800 hover:underline">
                    <PathText text={s.key} />
                  </Link>
                  {s.kind !== 'plaintext' ? (
                    <div className="mt-0.5 text-amber-900">
                      <Badge tone="amber">{KIND_TEXT[s.kind] ?? s.kind}</Badge> {s.note}
                    </div>
                  ) : s.incomplete ? (
                    <div className="mt-0.5 text-amber-900">Partly indexed: a cap on resources, instance keys or outputs was reached.</div>
                  ) : null}
                </td>
                <td className="px-2 py-1 tabular-nums max-md:p-0">
                  <CardLabel>Serial</CardLabel>
                  {s.serial ?? '—'}
                </td>
                <td className="px-2 py-1 max-md:p-0">
                  <CardLabel>Terraform</CardLabel>
                  {s.terraformVersion ?? '—'}
                </td>
                <td className="px-2 py-1 tabular-nums max-md:p-0">
                  <CardLabel>Resources</CardLabel>
                  {s.resourceCount ?? '—'}
                </td>
                <td className="px-2 py-1 font-mono max-md:w-full max-md:p-0">
                  <CardLabel>Providers</CardLabel>
                  {s.providers.length ? s.providers.join(', ') : '—'}
                </td>
                <td className="px-2 py-1 tabular-nums max-md:p-0">
                  <CardLabel>Outputs</CardLabel>
                  {s.outputs}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {states.length > rows.length ? (
        <p className="text-xs text-slate-600">
          The first {rows.length} of {states.length} states; <Link href="/search" className="underline">search</Link> finds any of them.
        </p>
      ) : null}
    </div>
  );
}
