/** `GET /api/backends/{id}/locks`: the live locks of one backend (DynamoDB items and `.tflock`s, merged). */
import type { Lock, LockProblem, LockSource } from '../terraform/locks';
import type { ErrorJson } from './errors';

export type { Lock, LockProblem, LockSource };

export interface LocksResult {
  locks: Lock[];
  fetchedAt: string;
  /** Partial failures (e.g. the table is missing but the bucket was listed). */
  errors: ErrorJson[];
  notices: string[];
}
