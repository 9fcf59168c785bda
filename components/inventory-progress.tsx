import type { InventoryProgress } from '@/lib/api/inventory';
import { TimeText } from './time-text';

function eta(seconds: number | null): string {
  if (seconds === null) return '';
  return seconds < 90 ? ` · about ${seconds} s left` : ` · about ${Math.round(seconds / 60)} min left`;
}

/** Where one backend's indexing stands: states read / to read, ETA, and the stored index's state. */
export function InventoryProgressLine({ backendName, progress }: { backendName: string; progress: InventoryProgress }) {
  const p = progress;
  const pct = p.total ? Math.round((p.done / p.total) * 100) : 100;
  return (
    <div data-testid="inventory-progress" data-phase={p.phase} className="space-y-1 text-sm">
      <p>
        <span className="font-medium">{backendName}: </span>
        {p.phase === 'indexing' ? (
          <span>
            indexing {p.done.toLocaleString('en')} / {p.total.toLocaleString('en')} changed states read{eta(p.etaSeconds)} ({p.reused.toLocaleString('en')} reused from the index)
          </span>
        ) : p.phase === 'idle' ? (
          'indexing starts…'
        ) : p.phase === 'error' ? (
          <span className="text-red-800">{p.error}</span>
        ) : (
          <span>
            indexed
            {p.finishedAt ? (
              <>
                {' at '}
                <TimeText at={p.finishedAt} />
              </>
            ) : null}
            : {p.reused.toLocaleString('en')} from the stored index, {p.total.toLocaleString('en')} read in the last pass
          </span>
        )}
      </p>
      {p.phase === 'indexing' ? (
        <div className="h-1.5 w-64 overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Indexing ${backendName}`}>
          <div className="h-full bg-sky-600" style={{ width: `${pct}%` }} />
        </div>
      ) : null}
      {p.storedIndexNote ? <p className="text-xs text-amber-900">{p.storedIndexNote}</p> : null}
      {p.writeError ? <p className="text-xs text-amber-900">The index could not be stored ({p.writeError}); this replica keeps it in memory.</p> : null}
    </div>
  );
}
