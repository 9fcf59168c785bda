/** Integration tests: the migration view through its route, once every `.tflock` history is read. */
import { expect } from 'vitest';
import { GET as migrationRoute } from '@/app/api/backends/[id]/migration/route';
import type { MigrationResponse } from '../api/migration';
import { APP_ORIGIN } from './mutation-requests';

/** `GET /api/backends/{id}/migration`, asked again as the page does while `summary.pending` > 0 (at most 20 times, 0.5 s apart). */
export async function settledMigrationReport(backendId: string): Promise<MigrationResponse> {
  for (let poll = 0; ; poll++) {
    const res = await migrationRoute(new Request(`${APP_ORIGIN}/api/backends/${encodeURIComponent(backendId)}/migration`), { params: Promise.resolve({ id: backendId }) });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as MigrationResponse;
    if (answer.summary.pending === 0 || poll >= 20) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
