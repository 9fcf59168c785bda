/** Human words for a lock's raw values (operation, problems, sides). Pure; the raw value stays shown in details. */
import type { Lock, LockProblem, LockSource } from '@/lib/api/locks';
import { forceUnlockCommand } from '@/lib/terraform/lock-info';
import { freezeOf } from '@/lib/terraform/freeze-lock';
import { LOCK_PROBLEM_TEXT } from './format';

/**
 * Terraform writes `OperationType.String()` for plan, apply and refresh runs (`OperationTypeApply`)
 * and a literal reason for other commands (`state-mv`, `init`, …): the former becomes `apply`, the
 * latter is already words and is kept. Empty stays empty (callers show "—").
 */
export function operationLabel(operation: string): string {
  const m = /^OperationType([A-Z][A-Za-z]*)$/.exec(operation);
  return m ? m[1]!.toLowerCase() : operation;
}

/**
 * The lock's Version in words. Terraform writes its own version there; a freeze is Lockboard's lock
 * and carries Lockboard's version, which is no Terraform version.
 */
export function versionWords(lock: Pick<Lock, 'operation' | 'who' | 'info' | 'version' | 'freezeVerified'>): { label: string; value: string } {
  if (freezeOf(lock)) return { label: 'Taken by', value: `Lockboard${lock.version ? ` ${lock.version}` : ''} (a freeze, not a Terraform run)` };
  return { label: 'Terraform version', value: lock.version || '—' };
}

/**
 * The `terraform force-unlock` command to offer for a lock, or null: none for a freeze (it is released
 * with Unfreeze, on purpose and audited, not forced from a shell) nor for an ID a paste could split.
 */
export function cliUnlockCommand(lock: Pick<Lock, 'operation' | 'who' | 'info' | 'id' | 'workspace'>): string | null {
  return freezeOf(lock) ? null : forceUnlockCommand(lock);
}

export function lockSourceLabel(source: LockSource | string): string {
  return source === 's3' ? '.tflock' : 'DynamoDB';
}

/**
 * What stands on the other side of a split lock's entry, read from the same listing: nothing
 * (`missing`) or a lock with another ID (`different`, listed as its own entry).
 */
export type SplitOther = 'missing' | 'different';

/** A listed lock with what the listing says about the other side of a split lock. */
export type ListedLock = Lock & { splitOther?: SplitOther };

/**
 * Marks each split lock of one backend's listing with what the other side holds: a split lock whose
 * key has an entry on the other side is two locks with different IDs, else that side is missing.
 */
export function withSplitSides<T extends Lock>(locks: readonly T[]): Array<T & { splitOther?: SplitOther }> {
  const sidesByKey = new Map<string, Set<LockSource>>();
  for (const l of locks) for (const s of l.sources) (sidesByKey.get(l.key) ?? sidesByKey.set(l.key, new Set()).get(l.key)!).add(s);
  return locks.map((l) => {
    if (!l.problems.includes('split_lock') || l.sources.length !== 1) return l;
    const other: LockSource = l.sources[0] === 's3' ? 'dynamodb' : 's3';
    return { ...l, splitOther: sidesByKey.get(l.key)!.has(other) ? 'different' : 'missing' };
  });
}

/** The human label of a split lock, by which side it is on and what the other side holds (unknown: not said). */
export function splitLockLabel(lock: Pick<ListedLock, 'sources' | 'splitOther'>): string {
  if (lock.sources.length !== 1) return 'Split lock: DynamoDB and .tflock disagree';
  const dynamo = lock.sources[0] === 'dynamodb';
  switch (lock.splitOther) {
    case 'missing':
      return dynamo ? 'Split lock: DynamoDB only, .tflock missing' : 'Split lock: .tflock only, DynamoDB item missing';
    case 'different':
      return dynamo ? 'Split lock: DynamoDB side, the .tflock holds another lock ID' : 'Split lock: .tflock side, DynamoDB holds another lock ID';
    default:
      return dynamo ? 'Split lock: DynamoDB side, .tflock missing or different' : 'Split lock: .tflock side, DynamoDB item missing or different';
  }
}

const SPLIT_EXPLANATION =
  'With both use_lockfile and dynamodb_table, Terraform takes the .tflock first, then the DynamoDB item, with the same ID, and releases both. ' +
  'One side alone means a run crashed between the two, or only half was released: Terraform still cannot lock this state.';

/** Short human labels of lock problems (the raw code is shown next to the explanation). */
const PROBLEM_LABEL: Record<LockProblem, string> = {
  malformed_info: 'Malformed lock info',
  missing_id: 'No lock ID',
  bad_created: 'Bad creation time',
  split_lock: 'Split lock',
  path_mismatch: 'Path differs from key',
  other_bucket: "Another bucket's lock",
  unreadable_lockfile: '.tflock unreadable',
  oversized: 'Oversized lock info',
  unverified_freeze: 'Claims to be a Lockboard freeze, unverified',
};

/** A problem of a lock in words: a label, the explanation, and the raw code. */
export interface ProblemWords {
  code: LockProblem;
  label: string;
  explanation: string;
}

export function problemWords(problem: LockProblem, lock: Pick<ListedLock, 'sources' | 'splitOther'>): ProblemWords {
  if (problem === 'split_lock') return { code: problem, label: splitLockLabel(lock), explanation: SPLIT_EXPLANATION };
  return { code: problem, label: PROBLEM_LABEL[problem] ?? problem, explanation: LOCK_PROBLEM_TEXT[problem] ?? problem };
}
