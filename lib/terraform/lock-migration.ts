/**
 * Where each state stands in the move from `dynamodb_table` to `use_lockfile` (Terraform 1.11
 * deprecated the table), read from the traces each mechanism leaves. Pure: the service hands over
 * what it listed.
 *
 * Evidence per state (protocol reference §3.4, §5):
 * - a live lock shows its mechanism(s) directly;
 * - the digest item `<bucket>/<key>-md5` is rewritten on every state write only while the writer has
 *   `dynamodb_table`: a digest that still matches the object means the last write used the table;
 * - every lock cycle with `use_lockfile` leaves `.tflock` versions/delete markers (versioned bucket);
 *   Terraform takes the lock before it writes and releases it after, so a `.tflock` entry at or after
 *   the state's last write means that write (or a later plan) used lock files.
 */

export type LockModeSeen = 'dual' | 'dynamodb-only' | 'lockfile-only' | 'unknown';
export type DigestState = 'current' | 'stale' | 'orphan' | 'none' | 'unverified';

export interface MigrationStateInput {
  key: string;
  /** The state object's LastModified (null: no object, e.g. an orphan digest). */
  lastModified: string | null;
  /** From the states listing: match / mismatch / missing / orphan / unverified / not_applicable. */
  digestStatus: 'match' | 'mismatch' | 'missing' | 'orphan' | 'unverified' | 'not_applicable';
  digest: string | null;
  /** Mechanisms of the live lock (empty: not locked). */
  liveLockSources: Array<'dynamodb' | 's3'>;
  /** Newest `.tflock` version or delete marker (null: none seen). */
  lockfileLastSeen: string | null;
}

export interface MigrationBackendInput {
  hasTable: boolean;
  useLockfile: boolean;
  /** Bucket versioning: without it, released `.tflock`s leave no trace. */
  versioned: boolean;
}

export type LeftoverKind = 'stale_digest' | 'orphan_digest';

export interface MigrationStateReport {
  key: string;
  mode: LockModeSeen;
  digest: DigestState;
  lockfileLastSeen: string | null;
  /** The digest item to clean up, when it is a leftover (its value: the clean-up is conditional on it). */
  leftover: { kind: LeftoverKind; digest: string } | null;
  /** Plain words: what was seen and what to do. */
  explanation: string;
}

function digestState(s: MigrationStateInput): DigestState {
  switch (s.digestStatus) {
    case 'match':
      return 'current';
    case 'mismatch':
      return 'stale';
    case 'orphan':
      return 'orphan';
    case 'missing':
    case 'not_applicable':
      return 'none';
    default:
      return 'unverified';
  }
}

const IF_TABLE_RETURNS =
  'If a client with dynamodb_table ran against this state again, it would wait 10 s and then fail with "state data in S3 does not have the expected content".';

export function classifyMigrationState(s: MigrationStateInput, backend: MigrationBackendInput): MigrationStateReport {
  const digest = digestState(s);
  const base = { key: s.key, digest, lockfileLastSeen: s.lockfileLastSeen };
  if (digest === 'orphan') {
    return {
      ...base,
      mode: 'unknown',
      leftover: s.digest ? { kind: 'orphan_digest', digest: s.digest } : null,
      explanation: `The state object is gone but its digest item is still in the table. ${IF_TABLE_RETURNS.replace('against this state again', 'at this key')} Clean-up: delete the digest item.`,
    };
  }
  const t = (v: string | null) => (v === null ? NaN : Date.parse(v));
  const lockfileForLastWrite = s.lockfileLastSeen !== null && (s.lastModified === null || t(s.lockfileLastSeen) >= t(s.lastModified) - 1000);
  let mode: LockModeSeen;
  if (s.liveLockSources.length === 2) mode = 'dual';
  else if (s.liveLockSources.length === 1) mode = s.liveLockSources[0] === 's3' ? 'lockfile-only' : 'dynamodb-only';
  else if (lockfileForLastWrite) mode = digest === 'current' ? 'dual' : 'lockfile-only';
  else mode = digest === 'current' ? 'dynamodb-only' : 'unknown';

  let explanation: string;
  let leftover: MigrationStateReport['leftover'] = null;
  switch (mode) {
    case 'dual':
      explanation = 'Dual mode: both dynamodb_table and use_lockfile are in use, and the digest is current. Next step: remove dynamodb_table from this configuration.';
      break;
    case 'dynamodb-only':
      explanation = backend.versioned || !backend.useLockfile
        ? 'Only the DynamoDB table is in use (the digest is current, no .tflock seen since the last write). Next step: add use_lockfile = true next to dynamodb_table (dual mode).'
        : 'The DynamoDB table is in use (the digest is current). No .tflock trace can be seen because the bucket is not versioned.';
      break;
    case 'lockfile-only':
      if (digest === 'stale' && s.digest) {
        leftover = { kind: 'stale_digest', digest: s.digest };
        explanation = `Lock files only; the digest item was left behind by the table era and no longer matches. Terraform with use_lockfile alone ignores it. ${IF_TABLE_RETURNS} Clean-up: delete the digest item.`;
      } else {
        explanation = 'Lock files only (use_lockfile), nothing left in the table. Done.';
      }
      break;
    default:
      explanation =
        digest === 'stale'
          ? 'The digest item does not match the state and no lock trace explains the last write (written with -lock=false, by hand, or in an unversioned bucket). Check who wrote it before cleaning up; the digest repair on the states page can set it.'
          : backend.versioned
            ? 'No trace of either lock mechanism since the last write.'
            : 'Unknown: the bucket is not versioned, so released .tflock locks leave no trace, and no current digest was seen.';
  }
  return { ...base, mode, leftover, explanation };
}

export interface MigrationSummary {
  counts: Record<LockModeSeen, number>;
  leftovers: number;
  /** What to do next for the whole backend, in plain words. */
  advice: string;
}

export function summarizeMigration(states: MigrationStateReport[], backend: MigrationBackendInput): MigrationSummary {
  const counts: Record<LockModeSeen, number> = { dual: 0, 'dynamodb-only': 0, 'lockfile-only': 0, unknown: 0 };
  for (const s of states) counts[s.mode]++;
  const leftovers = states.filter((s) => s.leftover !== null).length;
  let advice: string;
  if (counts['dynamodb-only'] > 0) advice = `Step 1: ${counts['dynamodb-only']} state(s) still lock with DynamoDB only. Add use_lockfile = true (keep dynamodb_table) in their configurations, on every client, before anything else.`;
  else if (counts.dual > 0) advice = `Step 2: ${counts.dual} state(s) are in dual mode. Once every client of a state runs Terraform >= 1.10 with use_lockfile, remove dynamodb_table from its configuration.`;
  else if (leftovers > 0) advice = `Step 3: every state uses lock files only. ${leftovers} digest item(s) are left in the table: clean them up here, then the table can be deleted.`;
  else if (counts['lockfile-only'] > 0) advice = backend.hasTable ? 'Done: every state uses lock files only and nothing is left in the table. The table can be deleted once no other backend uses it.' : 'Every state uses lock files only.';
  else advice = 'Not enough traces to tell (no versioned .tflock history and no current digest).';
  if (!backend.versioned) advice += ' The bucket is not versioned: lock-file use is only seen while a lock is held.';
  return { counts, leftovers, advice };
}
