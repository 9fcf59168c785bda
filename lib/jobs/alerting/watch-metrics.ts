import 'server-only';
/** The lock and state series of GET /api/metrics, from what alerting evaluated of each backend's latest read. */
import { getConfig } from '../../server/config';
import { listBackends } from '../../server/backends';
import type { WatchMetrics } from '../../server/metrics';
import { snapshotWatchers, watcherOf } from '../../services/backend-snapshot';
import { state } from './alert-state';


export const SCRAPE_KEEPALIVE_MS = 5 * 60_000;

/** The lock and state series of GET /api/metrics, from each backend's latest evaluated read. A scrape keeps the watchers reading. */
export function watchMetrics(): WatchMetrics {
  const st = state();
  const config = getConfig();
  const now = Date.now();
  st.lastScrapeAt = now;
  const out: WatchMetrics = { locks: [], unlisted: [], lockCounts: [], livenessCounts: [], stateCounts: [], lastSuccessAge: [], readOk: [] };
  let budget = config.metricsMaxLocks;
  for (const backend of listBackends()) {
    watcherOf(backend).wake();
    const watcher = snapshotWatchers().get(backend.id);
    const good = watcher?.lastSuccessful();
    if (good) out.lastSuccessAge.push({ backend: backend.id, seconds: (now - good.completedAt) / 1000 });
    const latest = watcher?.peek();
    if (latest) out.readOk.push({ backend: backend.id, ok: latest.ok });
    const facts = st.facts.get(backend.id);
    if (!facts) continue;
    const since = (now - (st.factsAt.get(backend.id) ?? now)) / 1000;
    let unlisted = 0;
    const counts = new Map<string, number>();
    const liveness = new Map<string, number>();
    for (const lock of facts.locks) {
      if (lock.liveness) liveness.set(lock.liveness.state, (liveness.get(lock.liveness.state) ?? 0) + 1);
      if (lock.ageSeconds !== null && budget > 0) {
        budget--;
        out.locks.push({ backend: backend.id, key: lock.key, workspace: lock.workspace, operation: lock.operation, who: lock.who, ageSeconds: lock.ageSeconds + since });
      } else unlisted++;
      for (const problem of lock.problems.length > 0 ? lock.problems : ['none']) {
        const k = `${problem}\u0000${lock.stale}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    if (unlisted > 0) out.unlisted.push({ backend: backend.id, count: unlisted });
    for (const [k, count] of counts) {
      const [problem, stale] = k.split('\u0000');
      out.lockCounts.push({ backend: backend.id, problem: problem!, stale: stale === 'true', count });
    }
    for (const [state, count] of liveness) out.livenessCounts.push({ backend: backend.id, liveness: state, count });
    const states = new Map<string, number>();
    for (const s of facts.states ?? []) states.set(s.digestStatus, (states.get(s.digestStatus) ?? 0) + 1);
    for (const [digestStatus, count] of states) out.stateCounts.push({ backend: backend.id, digestStatus, count });
  }
  return out;
}
