import type { InventoryProgress } from '@/lib/api/inventory';
import { TimeText } from './time-text';

function eta(seconds: number | null): string {
  if (seconds === null) return '';
  return seconds < 90 ? ` · about ${seconds} s left` : ` · about ${Math.round(seconds / 60)} min left`;
}

const n = (x: number) => x.toLocaleString('en');

/**
 * Where a running pass stands, in words that never read "0 / 0": before the bucket is listed there is
 * nothing to count yet, and a pass with nothing to read says so.
 */
export function indexingWords(p: Pick<InventoryProgress, 'phase' | 'done' | 'total'>): string {
  if (p.phase === 'idle' || (p.phase === 'indexing' && p.total === 0 && p.done === 0)) return 'starting: comparing the bucket with the index';
  return `${n(p.done)} of ${n(p.total)} changed state${p.total === 1 ? '' : 's'} read`;
}

/**
 * What this replica found in the bucket's stored index when it started. `storedIndex` describes that
 * load only, never whether an index is stored now (each pass writes it back), so it is worded in the
 * past, and nothing is claimed read or stored that a failed pass did not do. Null when there is nothing to say.
 */
export function storedIndexWords(p: Pick<InventoryProgress, 'storedIndex' | 'phase' | 'writeError'>, readOnly: boolean): string | null {
  const memory = readOnly ? " Read-only mode stores nothing: the index is kept in this replica's memory." : '';
  if (p.storedIndex === 'loaded') return `When this replica started it loaded the stored index: states it already held were not downloaded again.${memory}`;
  if (p.storedIndex === 'missing') {
    const done = p.phase === 'ready' ? (readOnly || p.writeError ? ' Every state was read once.' : ' Every state was read once and stored for the next start.') : '';
    return `When this replica started no index was stored yet.${done}${memory}`;
  }
  return readOnly && p.storedIndex !== 'not_loaded' ? memory.trim() : null;
}

/** Where one backend's indexing stands: states read / to read, ETA, and what the stored index gave. */
export function InventoryProgressLine({
  backendName,
  showName = true,
  progress,
  counts,
  readOnly = false,
}: {
  backendName: string;
  /** False: the line stands under the backend's own heading (the name still labels the progress bar). */
  showName?: boolean;
  progress: InventoryProgress;
  /** States summarised and states listed (the inventory page). */
  counts?: { indexed: number; listed: number };
  readOnly?: boolean;
}) {
  const p = progress;
  const stored = storedIndexWords(p, readOnly);
  const pct = p.total ? Math.round((p.done / p.total) * 100) : 0;
  // The stored index's own note for the states it could not give (corrupt, newer format…); "missing" is worded above.
  const note = p.storedIndex === 'missing' ? null : p.storedIndexNote;
  return (
    <div data-testid="inventory-progress" data-phase={p.phase} className="space-y-1 text-sm">
      <p>
        {showName ? <span className="font-medium">{backendName}: </span> : null}
        {counts ? (
          <span data-testid="inventory-counts">
            {n(counts.indexed)} of {n(counts.listed)} state{counts.listed === 1 ? '' : 's'} indexed ·{' '}
          </span>
        ) : null}
        {p.phase === 'indexing' || p.phase === 'idle' ? (
          <span>
            indexing: {indexingWords(p)}
            {eta(p.etaSeconds)}
            {p.phase === 'indexing' && p.reused ? ` (${n(p.reused)} unchanged, not downloaded)` : ''}
          </span>
        ) : p.phase === 'error' ? (
          <span className="text-red-800">{p.error}</span>
        ) : (
          <span>
            last pass
            {p.finishedAt ? (
              <>
                {' '}
                <TimeText at={p.finishedAt} />
              </>
            ) : null}
            : {n(p.total)} read, {n(p.reused)} unchanged (not downloaded)
          </span>
        )}
      </p>
      {p.phase === 'indexing' && p.total > 0 ? (
        <div className="h-1.5 w-64 max-w-full overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Indexing ${backendName}`}>
          <div className="h-full bg-sky-600" style={{ width: `${pct}%` }} />
        </div>
      ) : null}
      {stored ? (
        <p data-testid="stored-index" data-stored-index={p.storedIndex} className="text-xs text-slate-600">
          {stored}
        </p>
      ) : null}
      {note ? (
        <p data-testid="stored-index" data-stored-index={p.storedIndex} className="text-xs text-amber-900">
          {note}
        </p>
      ) : null}
      {p.writeError ? <p className="text-xs text-amber-900">The index could not be stored ({p.writeError}); this replica keeps it in memory.</p> : null}
    </div>
  );
}
