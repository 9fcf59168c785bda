/**
 * Contract of `GET /api/backends/{id}/posture`: whether a restore is possible, how far back, and
 * until when, from the bucket's own configuration. A setting Lockboard may not read is
 * `{"status":"not_checked","reason":"AccessDenied"}`, never an error of the route.
 */
import { z } from 'zod';
import type { BucketFacts, PostureFinding, StatePosture } from '../terraform/recovery-rules';
import type { RecordsProtection } from '../terraform/records-protection';

export type { RecordsProtection } from '../terraform/records-protection';

export type { LifecycleRuleInfo, PostureFinding, Severity, StatePosture } from '../terraform/recovery-rules';

export interface PostureResponse extends BucketFacts {
  backendId: string;
  checkedAt: string;
  /** `impossible`: no restore can work; `at_risk`: it will stop working soon or for some states; `unknown`: not checked. */
  restore: 'ok' | 'at_risk' | 'impossible' | 'unknown';
  findings: PostureFinding[];
  /** Per state restore windows (null when the history was not read: `history=0`, or it failed). */
  states: StatePosture[] | null;
  historyError: string | null;
  /** The version listing stopped at its page cap: counts are lower bounds. */
  historyComplete: boolean;
  /** `.tflock` versions and delete markers in the bucket (null when the history was not read). */
  lockfileVersions: number | null;
  /** Whether Lockboard's own records (audit, freeze markers, claims, index) are out of reach of other writers (best effort; also a finding). */
  records: RecordsProtection;
}

export const postureQuerySchema = z.object({ history: z.enum(['0', '1']).default('1') });
