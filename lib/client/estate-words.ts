import type { EstateAccount, EstateBackendStatus, EstateProblem, EstateRollup } from '../api/estate';

/** Each problem in words, as the rollup sentence ends ("3 of 50 accounts: versioning off"). */
export const PROBLEM_WORDS: Record<EstateProblem, string> = {
  locked: 'locks held',
  stale_locks: 'stale locks',
  digest_problems: 'digest problems',
  versioning_off: 'versioning off',
  history_expiring: 'history expiring',
  no_replication: 'no replication',
  unreadable: 'unreadable',
  proposed: 'backends to review',
};

export const STATUS_WORDS: Record<EstateBackendStatus, string> = {
  configured: 'configured',
  watched: 'watched',
  proposed: 'proposed',
  ignored: 'ignored',
  not_seen: 'watched, not seen by the last run',
};

export const OUTCOME_WORDS: Record<EstateAccount['outcome'], string> = {
  ok: 'read',
  partial: 'partly read',
  unreadable: 'unreadable',
  skipped: 'not searched',
};

/** "3 of 50 accounts: versioning off (4 backends; 2 not known yet)". */
export function rollupSentence(r: EstateRollup, accountCount: number): string {
  const more: string[] = [];
  if (r.backends > 0) more.push(`${r.backends} backend${r.backends === 1 ? '' : 's'}`);
  if (r.unknown > 0) more.push(`${r.unknown} not known yet`);
  return `${r.accounts} of ${accountCount} account${accountCount === 1 ? '' : 's'}: ${PROBLEM_WORDS[r.problem]}${more.length ? ` (${more.join('; ')})` : ''}`;
}
