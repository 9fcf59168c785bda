/**
 * Test seams, injected the same way everywhere: production code names a point (`faults.at(...)`) or a
 * step whose backend a test may swap (`faults.backendFor(...)`); both are inert until a test arms
 * them, and no production function takes a `hooks` parameter for tests. Integration tests arm a
 * point to stage a race (a writer landing between a read and the conditional write) or point one
 * step at a dead endpoint, and call `faults.reset()` after each test.
 */
import type { BackendConfig } from './config';

/** Where a test may run code in the middle of a mutation. */
export type FaultPoint =
  /** force-unlock: after the fresh read, before the conditional deletes. */
  | 'unlock:after-read'
  /** digest repair: after the object was hashed, before the checks and the write. */
  | 'digest:after-read'
  /** restore: once the lock is held, before the re-check and the write. */
  | 'restore:after-lock'
  /** restore: after the re-check, right before the PutObject (only S3's own condition can catch a race). */
  | 'restore:before-write';

/** A step whose AWS calls a test may send to another backend (e.g. a copy pointed at a dead endpoint). */
export type FaultStep = 'restore:put-object' | 'restore:put-digest' | 'restore:release-lock';

/** Delays (and limits) a test may shorten. */
export type FaultDelay =
  | 'restore:digest-retry-ms'
  | 'restore:put-deadline-ms'
  | 'state-job:heap-mb'
  | 'state-job:deadline-ms'
  | 'state-job:max-bytes'
  | 'download:progress-ms'
  | 'download:deadline-ms'
  | 'heavy-read:wait-ms';

const points = new Map<FaultPoint, () => Promise<void>>();
const steps = new Map<FaultStep, (backend: BackendConfig) => BackendConfig>();
const delays = new Map<FaultDelay, number>();

export const faults = {
  /** Runs what a test armed at this point (nothing in production). */
  async at(point: FaultPoint): Promise<void> {
    await points.get(point)?.();
  },
  /** The backend a step talks to: the real one unless a test redirected the step. */
  backendFor(step: FaultStep, backend: BackendConfig): BackendConfig {
    return steps.get(step)?.(backend) ?? backend;
  },
  delay(name: FaultDelay, fallback: number): number {
    return delays.get(name) ?? fallback;
  },
  arm(point: FaultPoint, run: () => Promise<void>): void {
    points.set(point, run);
  },
  redirect(step: FaultStep, to: (backend: BackendConfig) => BackendConfig): void {
    steps.set(step, to);
  },
  setDelay(name: FaultDelay, ms: number): void {
    delays.set(name, ms);
  },
  reset(): void {
    points.clear();
    steps.clear();
    delays.clear();
  },
};
