/**
 * The liveness settings of the configuration (`liveness`): where heartbeats are (the prefix
 * `lockboard run` writes under), the thresholds of the rule (lib/terraform/liveness.ts), the longest
 * run a lock is compared to, and the opt-in auto-release policies (lib/jobs/auto-release.ts).
 */
import { z } from 'zod';
import { DEFAULT_HEARTBEAT_PREFIX } from '../api/heartbeat';

/** Force-unlock a lock proven dead for `afterMinutes`, on these backends' keys. Never a lock without heartbeat. */
export const autoReleaseSchema = z
  .object({
    /** Backend ids or globs (`*` matches every backend). */
    backends: z.array(z.string().min(1).max(200)).min(1),
    /** Key globs (`*` within a path segment, `**` across); default every key. */
    keys: z.array(z.string().min(1).max(1024)).min(1).default(['**']),
    /** How long a lock must have been `dead` (after the dead window) before it is released. */
    afterMinutes: z.number({ error: 'expected a number' }).min(0, 'expected a number >= 0').max(10_080).default(10),
  })
  .strict();

export const livenessSchema = z
  .object({
    heartbeatPrefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()/-]{1,200}\/$/, 'a key prefix ending in "/" (letters, digits, !_.*\'()-/)')
      .default(DEFAULT_HEARTBEAT_PREFIX),
    /** A heartbeat newer than this proves the holder alive. */
    aliveWithinSeconds: z.number({ error: 'expected a number' }).min(1).max(3600).default(45),
    /** No heartbeat for longer than this (while the lock is held): dead. */
    deadAfterSeconds: z.number({ error: 'expected a number' }).min(2).max(86_400).default(120),
    /** The longest run expected: a lock older than this says so in its evidence (not a proof of anything). */
    longestRunMinutes: z.number({ error: 'expected a number' }).positive('expected a number > 0').default(120),
    autoRelease: z.array(autoReleaseSchema).max(50).default([]),
    /** How often the auto-release job looks (seconds). */
    autoReleaseIntervalSeconds: z.number({ error: 'expected a number' }).min(1).max(3600).default(15),
  })
  .strict()
  .refine((l) => l.deadAfterSeconds > l.aliveWithinSeconds, { message: 'deadAfterSeconds must be greater than aliveWithinSeconds', path: ['deadAfterSeconds'] });

export type LivenessConfig = z.output<typeof livenessSchema>;
export type AutoReleasePolicy = z.output<typeof autoReleaseSchema>;
