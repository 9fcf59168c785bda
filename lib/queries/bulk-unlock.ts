import { useMutation, useQueryClient } from '@tanstack/react-query';
import { bulkUnlockConfirmation } from '../api/bulk-unlock-rules';
import type { BulkUnlockItemResult, BulkUnlockOutcome, BulkUnlockResponse } from '../api/bulk-unlock';
import type { Lock } from '../terraform/locks';
import { auditKeys } from './audit';
import { fetchJson, toClientError } from './fetch-json';
import { locksKeys } from './locks';
import { statesKeys } from './states';
import { lockRefOf } from './unlock';
import { backendApiUrl } from '../api/urls';

export type SelectedLock = Lock & { backendId: string; backendName: string };

export interface BulkUnlockSummary {
  results: Array<BulkUnlockItemResult & { backendId: string; backendName: string }>;
  counts: Record<BulkUnlockOutcome, number>;
  partial: boolean;
  /** The bulk action's own audit record, per backend. */
  bulkIds: Array<{ backendId: string; id: string }>;
}

/**
 * One request per backend of the selection (the operator confirmed the total once; each request
 * names its own count). A request refused as a whole marks each of its locks `refused` with the
 * server's message; nothing is retried.
 */
export async function postBulkUnlock(selection: SelectedLock[], reason: string): Promise<BulkUnlockSummary> {
  const byBackend = new Map<string, SelectedLock[]>();
  for (const lock of selection) byBackend.set(lock.backendId, [...(byBackend.get(lock.backendId) ?? []), lock]);
  const summary: BulkUnlockSummary = { results: [], counts: { released: 0, changed: 0, gone: 0, refused: 0, failed: 0 }, partial: false, bulkIds: [] };
  for (const [backendId, locks] of byBackend) {
    const backendName = locks[0]!.backendName;
    try {
      const res = await fetchJson<BulkUnlockResponse>(backendApiUrl(backendId, 'unlock-many'), {
        method: 'POST',
        body: JSON.stringify({ reason, confirmation: bulkUnlockConfirmation(locks.length), locks: locks.map(lockRefOf) }),
      });
      summary.bulkIds.push({ backendId, id: res.bulkId });
      summary.results.push(...res.results.map((r) => ({ ...r, backendId, backendName })));
    } catch (e) {
      const error = toClientError(e)!;
      summary.results.push(...locks.map((l) => ({ key: l.key, id: l.id, outcome: 'refused' as const, code: error.code, message: error.message, backendId, backendName })));
    }
  }
  for (const r of summary.results) summary.counts[r.outcome]++;
  summary.partial = summary.counts.released !== selection.length;
  return summary;
}

/** `onDone` runs here rather than in mutate()'s callbacks, which do not run once the caller unmounted (every lock released). */
export function useBulkUnlock(onDone?: (summary: BulkUnlockSummary, selection: SelectedLock[]) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ selection, reason }: { selection: SelectedLock[]; reason: string }) => postBulkUnlock(selection, reason),
    onSuccess: (summary, { selection }) => onDone?.(summary, selection),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: locksKeys.all }),
        client.invalidateQueries({ queryKey: statesKeys.all }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]),
  });
}
