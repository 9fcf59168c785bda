import 'server-only';
/**
 * The discovery job: at start-up, read the decisions (so accepted backends are watched at once) and
 * run discovery; then a run every `intervalMinutes` (from the start of the previous one) and a
 * listing of the decisions every 30 s (what another replica decided is followed). Every AWS request
 * it makes is `discovery` work, which yields to live reads. Never delays or fails start-up.
 */
import { withCallOrigin } from '../server/call-origin';
import { getConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { logger } from '../server/logger';
import { applyRegistry, runDiscovery, setNextRunAt } from '../services/discovery';
import { refreshDecisions, REFRESH_MS } from '../services/discovery-decisions';

interface JobState {
  started: boolean;
  runTimer: ReturnType<typeof setTimeout> | null;
  refreshTimer: ReturnType<typeof setInterval> | null;
}

const stateKey = Symbol.for('lockboard.discoveryJob');

function state(): JobState {
  const holder = globalThis as unknown as Record<symbol, JobState | undefined>;
  holder[stateKey] ??= { started: false, runTimer: null, refreshTimer: null };
  return holder[stateKey];
}

async function refresh(): Promise<void> {
  await withCallOrigin('discovery', refreshDecisions);
  applyRegistry();
}

async function runAndSchedule(intervalMs: number): Promise<void> {
  const st = state();
  const startedAt = Date.now();
  setNextRunAt(null);
  try {
    await runDiscovery();
  } catch (e) {
    logger.warn('discovery run failed', { error: toAppError(e, 'discovery run failed').message });
  }
  const next = Math.max(Date.now(), startedAt + intervalMs);
  setNextRunAt(next);
  st.runTimer = setTimeout(() => void runAndSchedule(intervalMs), next - Date.now());
  st.runTimer.unref?.();
}

/** Started once per replica (instrumentation); a no-op when discovery is off. */
export function startDiscovery(): void {
  const d = getConfig().discovery;
  const st = state();
  if (!d || st.started) return;
  st.started = true;
  logger.info('discovery started', { accounts: Array.isArray(d.accounts) ? d.accounts.length : 'organization', regions: d.regions, intervalMinutes: d.intervalMinutes, autoWatch: d.autoWatch });
  st.refreshTimer = setInterval(() => void refresh().catch(() => undefined), REFRESH_MS);
  st.refreshTimer.unref?.();
  void refresh()
    .catch(() => undefined)
    .then(() => runAndSchedule(d.intervalMinutes * 60_000));
}

/** Tests only: stop the timers. */
export function stopDiscoveryForTests(): void {
  const st = state();
  if (st.runTimer) clearTimeout(st.runTimer);
  if (st.refreshTimer) clearInterval(st.refreshTimer);
  st.runTimer = null;
  st.refreshTimer = null;
  st.started = false;
}
