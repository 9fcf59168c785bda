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
 *
 * A digest that does not match its state is a mismatch, as on the States page, never a "leftover" to
 * delete: a client with use_lockfile alone leaves the digest behind, but a write by hand or with
 * `-lock=false` leaves exactly the same traces (a `.tflock` cycle just before it), and deleting the
 * digest of a hand-edited state would hide the evidence. Such a state is sent to its repair (the state
 * page: who wrote which version, digest repair, restore). Only a digest with no state object (orphan)
 * is offered for clean-up here.
 */

export type LockModeSeen = 'dual' | 'dynamodb-only' | 'lockfile-only' | 'unknown';
/** The digest as the States page names it (`mismatch`: Terraform with dynamodb_table fails on it). */
export type DigestState = 'current' | 'mismatch' | 'orphan' | 'none' | 'unverified';

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
  /** The `.tflock` history has not been read yet (it is being read): no trace can be ruled out. */
  historyPending?: boolean;
}

export interface MigrationBackendInput {
  hasTable: boolean;
  useLockfile: boolean;
  /** Bucket versioning: without it, released `.tflock`s leave no trace. */
  versioned: boolean;
}

/** What the clean-up may delete: a digest item whose state object is gone. */
export type LeftoverKind = 'orphan_digest';

export interface MigrationStateReport {
  key: string;
  mode: LockModeSeen;
  digest: DigestState;
  lockfileLastSeen: string | null;
  /** Its `.tflock` history is still being read: the mode is not known yet (unless a live lock shows it). */
  historyPending: boolean;
  /** The digest item to clean up, when it is a leftover (its value: the clean-up is conditional on it). Never for a mismatch. */
  leftover: { kind: LeftoverKind; digest: string } | null;
  /** The digest does not match the state: to be checked and repaired on the state page, not deleted here. */
  needsRepair: boolean;
  /** Plain words: what was seen and what to do. */
  explanation: string;
}

function digestState(s: MigrationStateInput): DigestState {
  switch (s.digestStatus) {
    case 'match':
      return 'current';
    case 'mismatch':
      return 'mismatch';
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
const REPAIR = "Open the state's page to see who wrote its versions, then repair the digest there (set it to the state's MD5) or restore the version it matches.";

/** What the digest says, for a mode read from the lock traces (a live lock names its mode whatever the digest). */
function digestWords(digest: DigestState): string {
  switch (digest) {
    case 'current':
      return 'the digest is current';
    case 'none':
      return 'no digest item';
    case 'unverified':
      return 'the digest could not be checked';
    default:
      return 'the digest does not match the state';
  }
}

function explain(mode: LockModeSeen, digest: DigestState, backend: MigrationBackendInput): string {
  // A mismatch is the first thing to say, whatever the mode: Terraform with the table fails on it.
  if (digest === 'mismatch') {
    const why =
      mode === 'lockfile-only'
        ? 'Lock files were used around the last write, and the digest item does not match the state (a digest mismatch, as on the States page). A client with use_lockfile alone leaves the digest as it was, but a write by hand or with -lock=false looks the same from here.'
        : mode === 'unknown'
          ? 'The digest item does not match the state and no lock trace explains the last write (written with -lock=false, by hand, or in an unversioned bucket).'
          : `A live lock shows ${mode === 'dual' ? 'dual mode' : 'the DynamoDB table in use'}, and the digest item does not match the state (a digest mismatch, as on the States page).`;
    return `${why} ${IF_TABLE_RETURNS} ${REPAIR}`;
  }
  switch (mode) {
    case 'dual':
      return `Dual mode: both dynamodb_table and use_lockfile are in use (${digestWords(digest)}). Next step: remove dynamodb_table from this configuration.`;
    case 'dynamodb-only':
      return backend.versioned || !backend.useLockfile
        ? `Only the DynamoDB table is in use (${digestWords(digest)}, no .tflock seen since the last write). Next step: add use_lockfile = true next to dynamodb_table (dual mode).`
        : `The DynamoDB table is in use (${digestWords(digest)}). No .tflock trace can be seen because the bucket is not versioned.`;
    case 'lockfile-only':
      return digest === 'unverified' ? 'Lock files only (use_lockfile); the digest item could not be checked.' : 'Lock files only (use_lockfile), nothing left in the table. Done.';
    default:
      return backend.versioned ? 'No trace of either lock mechanism since the last write.' : 'Unknown: the bucket is not versioned, so released .tflock locks leave no trace, and no current digest was seen.';
  }
}

export function classifyMigrationState(s: MigrationStateInput, backend: MigrationBackendInput): MigrationStateReport {
  const digest = digestState(s);
  const base = { key: s.key, digest, lockfileLastSeen: s.lockfileLastSeen, historyPending: false, needsRepair: digest === 'mismatch' };
  if (digest === 'orphan') {
    return {
      ...base,
      mode: 'unknown',
      leftover: s.digest ? { kind: 'orphan_digest', digest: s.digest } : null,
      explanation: `The state object is gone but its digest item is still in the table. ${IF_TABLE_RETURNS.replace('against this state again', 'at this key')} Clean-up: delete the digest item.`,
    };
  }
  if (s.historyPending && s.liveLockSources.length === 0) {
    // Without the history, "no .tflock since the last write" cannot be said: nothing is claimed yet.
    const pending = "Its lock mode is not known yet: this state's .tflock history is still being read (the page updates as it comes in).";
    return {
      ...base,
      historyPending: true,
      mode: 'unknown',
      leftover: null,
      explanation: digest === 'mismatch' ? `The digest item does not match the state. ${IF_TABLE_RETURNS} ${REPAIR} ${pending}` : pending,
    };
  }
  const t = (v: string | null) => (v === null ? NaN : Date.parse(v));
  const lockfileForLastWrite = s.lockfileLastSeen !== null && (s.lastModified === null || t(s.lockfileLastSeen) >= t(s.lastModified) - 1000);
  let mode: LockModeSeen;
  if (s.liveLockSources.length === 2) mode = 'dual';
  else if (s.liveLockSources.length === 1) mode = s.liveLockSources[0] === 's3' ? 'lockfile-only' : 'dynamodb-only';
  else if (lockfileForLastWrite) mode = digest === 'current' ? 'dual' : 'lockfile-only';
  else mode = digest === 'current' ? 'dynamodb-only' : 'unknown';

  return { ...base, mode, leftover: null, explanation: explain(mode, digest, backend) };
}

export interface MigrationSummary {
  counts: Record<LockModeSeen, number>;
  /** Orphan digest items the clean-up offers to delete. */
  leftovers: number;
  /** States whose digest does not match: repaired on their state pages, never cleaned up here. */
  mismatches: number;
  /** States whose `.tflock` history is still being read (counted as unknown until it is). */
  pending: number;
  /** What to do next for the whole backend, in plain words. */
  advice: string;
}

export function summarizeMigration(states: MigrationStateReport[], backend: MigrationBackendInput): MigrationSummary {
  const counts: Record<LockModeSeen, number> = { dual: 0, 'dynamodb-only': 0, 'lockfile-only': 0, unknown: 0 };
  for (const s of states) counts[s.mode]++;
  const leftovers = states.filter((s) => s.leftover !== null).length;
  const mismatches = states.filter((s) => s.needsRepair).length;
  const pending = states.filter((s) => s.historyPending).length;
  const repair = mismatches > 0 ? ` ${mismatches} state(s) fail their digest check (a mismatch on the States page): repair each from its state page.` : '';
  let advice: string;
  if (counts['dynamodb-only'] > 0) advice = `Step 1: ${counts['dynamodb-only']} state(s) still lock with DynamoDB only. Add use_lockfile = true (keep dynamodb_table) in their configurations, on every client, before anything else.`;
  else if (counts.dual > 0) advice = `Step 2: ${counts.dual} state(s) are in dual mode. Once every client of a state runs Terraform >= 1.10 with use_lockfile, remove dynamodb_table from its configuration.`;
  else if (mismatches > 0 && counts['lockfile-only'] > 0) advice = `Step 3: every state uses lock files only.${repair}${leftovers > 0 ? ` ${leftovers} digest item(s) of deleted states can be cleaned up here.` : ''} Then the table can be deleted once no other backend uses it.`;
  else if (leftovers > 0) advice = `Step 3: every state uses lock files only. ${leftovers} digest item(s) of deleted states are left in the table: clean them up here, then the table can be deleted.`;
  else if (counts['lockfile-only'] > 0) advice = backend.hasTable ? 'Done: every state uses lock files only and nothing is left in the table. The table can be deleted once no other backend uses it.' : 'Every state uses lock files only.';
  else advice = 'Not enough traces to tell (no versioned .tflock history and no current digest).';
  // Steps 1 and 2 (and "not enough traces") name the mismatches too: a page that lists them must not skip them.
  if (repair && !advice.startsWith('Step 3')) advice += repair;
  if (pending > 0) {
    // Steps 1 and 2 name states already seen; "done", step 3 and "not enough traces" would be claims about states not read yet.
    const reading = `Still reading the .tflock history of ${pending} of ${states.length} state(s): the lock modes are not final.`;
    advice = advice.startsWith('Step 1') || advice.startsWith('Step 2') ? `${reading} ${advice}` : `${reading}${repair}`;
  }
  if (!backend.versioned) advice += ' The bucket is not versioned: lock-file use is only seen while a lock is held.';
  return { counts, leftovers, mismatches, pending, advice };
}
