import Link from 'next/link';
import { Badge } from './badge';
import { statePageHref } from './state-table';
import type { SearchHit } from '@/lib/api/inventory';

const KIND_TEXT: Record<string, string> = {
  encrypted: 'OpenTofu-encrypted',
  not_json: 'not JSON',
  truncated: 'truncated',
  other_json: 'not a state',
  empty: 'empty',
  too_large: 'too large',
};

/** Search hits: state paths (linked to the state page) with the matching addresses. */
export function InventoryResults({ hits, backendName }: { hits: SearchHit[]; backendName: (id: string) => string }) {
  return (
    <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
      {hits.map((h) => (
        <li key={`${h.backendId}|${h.key}`} data-testid="search-hit" data-key={h.key} className="space-y-1 px-3 py-2 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Link href={statePageHref(h.backendId, h.key)} className="break-all font-mono text-xs text-sky-800 hover:underline">
              {h.key}
            </Link>
            <Badge tone="gray">{backendName(h.backendId)}</Badge>
            {h.terraformVersion ? <Badge tone="blue" title="terraform_version">TF {h.terraformVersion}</Badge> : null}
            {h.serial !== null ? <span className="text-xs text-slate-500">serial {h.serial}</span> : null}
            {h.resourceCount !== null ? <span className="text-xs text-slate-500">{h.resourceCount} resources</span> : null}
            {KIND_TEXT[h.kind] ? <Badge tone="amber">{KIND_TEXT[h.kind]}</Badge> : null}
          </div>
          {h.matches.length ? (
            <ul className="flex flex-wrap gap-x-3 gap-y-0.5 font-mono text-xs text-slate-700" aria-label={`Matching addresses in ${h.key}`}>
              {h.matches.map((m) => (
                <li key={m}>{m}</li>
              ))}
              {h.matchCount > h.matches.length ? <li className="text-slate-500">…and {h.matchCount - h.matches.length} more</li> : null}
            </ul>
          ) : null}
          {h.outputs.length ? <p className="text-xs text-slate-600">outputs: <span className="font-mono">{h.outputs.join(', ')}</span></p> : null}
        </li>
      ))}
    </ul>
  );
}
