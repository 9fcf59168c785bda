'use client';
import { useQueries } from '@tanstack/react-query';
import { ErrorBanner } from '@/components/error-banner';
import { InventoryProgressLine } from '@/components/inventory-progress';
import { InventoryStates } from '@/components/inventory-results';
import { useSession } from '@/lib/queries/session';
import { PostureFindings, PostureStates, RESTORE_TEXT } from '@/components/posture-panel';
import { Badge } from '@/components/badge';
import type { PublicBackend } from '@/lib/api/backends';
import { inventoryQuery, postureQuery } from '@/lib/queries/inventory';

const RESTORE_TONE = { ok: 'green', at_risk: 'amber', impossible: 'red', unknown: 'gray' } as const;

/** Per backend: indexing progress and the recovery posture (bucket settings, per-state restore windows). */
export function InventoryView({ backends, pollMs }: { backends: PublicBackend[]; pollMs: number }) {
  const inventories = useQueries({ queries: backends.map((b) => inventoryQuery(b.id, pollMs)) });
  const postures = useQueries({ queries: backends.map((b) => postureQuery(b.id, true)) });
  const session = useSession();
  return (
    <section aria-labelledby="inventory-heading" className="space-y-6">
      <h1 id="inventory-heading" className="text-2xl font-semibold">
        Inventory and recovery posture
      </h1>
      {backends.map((b, i) => {
        const inv = inventories[i]!;
        const posture = postures[i]!;
        return (
          <article key={b.id} aria-label={`Backend ${b.name}`} className="space-y-3 rounded-md border border-slate-200 bg-white p-4">
            <h2 className="flex flex-wrap items-center gap-2 text-lg font-semibold">
              {b.name} <span className="font-mono text-xs text-slate-600 [overflow-wrap:anywhere]">s3://{b.bucket}</span>
              {posture.data ? <Badge tone={RESTORE_TONE[posture.data.restore]}>{RESTORE_TEXT[posture.data.restore]}</Badge> : null}
            </h2>
            <h3 className="text-sm font-semibold">Inventory</h3>
            {inv.error ? (
              <ErrorBanner title="Inventory unavailable" message={inv.error.message} />
            ) : inv.data ? (
              <>
                <InventoryProgressLine backendName={b.name} showName={false} progress={inv.data.progress} counts={{ indexed: inv.data.states.length, listed: inv.data.stateCount }} readOnly={session.data?.readOnly ?? false} />
                {inv.data.states.length ? <InventoryStates backendId={b.id} states={inv.data.states} /> : null}
              </>
            ) : (
              <p className="text-sm text-slate-500">Loading inventory…</p>
            )}
            <h3 className="text-sm font-semibold">Recovery posture</h3>
            {posture.error ? (
              <ErrorBanner title="Recovery posture unavailable" message={posture.error.message} />
            ) : posture.data ? (
              <>
                <PostureFindings findings={posture.data.findings} />
                <PostureStates posture={posture.data} />
              </>
            ) : (
              <p className="text-sm text-slate-500">Reading bucket settings and version history…</p>
            )}
          </article>
        );
      })}
    </section>
  );
}
