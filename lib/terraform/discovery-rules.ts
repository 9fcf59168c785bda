/**
 * What discovery concludes from what it read in one account. Pure, so each rule is unit-tested:
 *
 * - a lock table is a DynamoDB table whose key schema is exactly `LockID`, a string hash key;
 * - a lock table's items name state buckets: `LockID` is `<bucket>/<key>` (a lock) or
 *   `<bucket>/<key>-md5` (a digest);
 * - a bucket of the account, in a configured region, is a state bucket when a lock table of its
 *   region names it or the bounded probe of its keys found `*.tfstate` / `*.tflock` objects; the
 *   backend it implies uses that table (the one naming it most) or, without one, `.tflock` files;
 * - the workspace key prefix is read off the keys seen (`env:` unless the keys show another).
 */
import { DEFAULT_WORKSPACE_KEY_PREFIX, DIGEST_SUFFIX, LOCKFILE_SUFFIX } from './paths';
import { discoveredBackendId } from './discovery-names';

export interface KeySchemaFacts {
  keys: ReadonlyArray<{ name: string; type: string }>;
  attributes: ReadonlyArray<{ name: string; type: string }>;
}

/** Terraform's lock table: one key, the hash key `LockID`, of type string. Anything else is another table. */
export function isLockTableSchema(schema: KeySchemaFacts): boolean {
  if (schema.keys.length !== 1) return false;
  const [key] = schema.keys;
  if (key?.name !== 'LockID' || key.type !== 'HASH') return false;
  return schema.attributes.some((a) => a.name === 'LockID' && a.type === 'S');
}

/** The key schema in a few words, for a note: `Id (S, hash) + Sort (N, range)`. */
export function describeKeySchema(schema: KeySchemaFacts): string {
  const typeOf = (name: string) => schema.attributes.find((a) => a.name === name)?.type ?? '?';
  return schema.keys.map((k) => `${k.name} (${typeOf(k.name)}, ${k.type.toLowerCase()})`).join(' + ') || 'no key';
}

/** The bucket and state key a LockID names (null when it names none: no `/`, or nothing after it). */
export function lockIdTarget(lockId: string): { bucket: string; key: string; digest: boolean } | null {
  const slash = lockId.indexOf('/');
  if (slash <= 0 || slash === lockId.length - 1) return null;
  const digest = lockId.endsWith(DIGEST_SUFFIX);
  const key = lockId.slice(slash + 1, digest ? -DIGEST_SUFFIX.length : undefined);
  return key === '' ? null : { bucket: lockId.slice(0, slash), key, digest };
}

/** What a lock table's items say about one bucket. */
export interface BucketNaming {
  /** Lock items (a state locked at the time of the scan) and digest items (one per state Terraform wrote with this table). */
  locks: number;
  digests: number;
  /** Some of the state keys named (at most {@link MAX_KEYS_KEPT}), for the workspace prefix. */
  keys: string[];
}

/** State keys kept per bucket from scans and probes: enough to tell the workspace prefix. */
export const MAX_KEYS_KEPT = 200;

/** Folds LockIDs into what they say per bucket (items naming no bucket are counted apart). */
export function foldLockIds(lockIds: Iterable<string>, into: Map<string, BucketNaming> = new Map()): { byBucket: Map<string, BucketNaming>; unnamed: number } {
  let unnamed = 0;
  for (const id of lockIds) {
    const target = lockIdTarget(id);
    if (!target) {
      unnamed++;
      continue;
    }
    let naming = into.get(target.bucket);
    if (!naming) into.set(target.bucket, (naming = { locks: 0, digests: 0, keys: [] }));
    if (target.digest) naming.digests++;
    else naming.locks++;
    if (naming.keys.length < MAX_KEYS_KEPT) naming.keys.push(target.key);
  }
  return { byBucket: into, unnamed };
}

/**
 * The `workspace_key_prefix` the keys show: `env:` when a key is under `env:/<workspace>/`; else a
 * first segment `p` of keys `p/<workspace>/<rest>` whose `<rest>` is also a key (the default
 * workspace beside its named ones); null when the keys show no workspace at all.
 */
export function workspacePrefixSeen(keys: readonly string[]): string | null {
  const all = new Set(keys);
  const votes = new Map<string, number>();
  for (const key of keys) {
    const parts = key.split('/');
    if (parts.length < 3 || parts[0] === '' || parts[1] === '') continue;
    if (parts[0] === DEFAULT_WORKSPACE_KEY_PREFIX) return DEFAULT_WORKSPACE_KEY_PREFIX;
    if (all.has(parts.slice(2).join('/'))) votes.set(parts[0]!, (votes.get(parts[0]!) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [prefix, n] of votes) if (best === null || n > votes.get(best)! || (n === votes.get(best) && prefix < best)) best = prefix;
  return best;
}

/** What the bounded probe of a bucket's keys found. */
export interface ProbeResult {
  stateKeys: string[];
  stateCount: number;
  lockfileCount: number;
  keysListed: number;
  /** False when the probe stopped at its call bound with keys left unlisted. */
  complete: boolean;
}

/** Folds one page of object keys into a probe result. */
export function foldProbeKeys(probe: ProbeResult, keys: readonly string[], stateSuffixes: readonly string[]): ProbeResult {
  for (const key of keys) {
    probe.keysListed++;
    if (key.endsWith(LOCKFILE_SUFFIX) && key.length > LOCKFILE_SUFFIX.length) probe.lockfileCount++;
    else if (stateSuffixes.some((s) => key.endsWith(s) && key.length > s.length)) {
      probe.stateCount++;
      if (probe.stateKeys.length < MAX_KEYS_KEPT) probe.stateKeys.push(key);
    }
  }
  return probe;
}

export function emptyProbe(): ProbeResult {
  return { stateKeys: [], stateCount: 0, lockfileCount: 0, keysListed: 0, complete: true };
}

/** A problem or note of one account, region, table or bucket: what, why, and what fixes it. */
export interface DiscoveryFinding {
  severity: 'error' | 'warning' | 'info';
  code: DiscoveryFindingCode;
  accountId: string;
  region: string | null;
  /** The table or bucket it is about (null: the account or region as a whole). */
  resource: string | null;
  message: string;
  /** What to deploy or change ('' when nothing needs doing). */
  fix: string;
}

export type DiscoveryFindingCode =
  | 'organization_unreadable'
  | 'decisions_unreadable'
  | 'account_unreadable'
  | 'account_not_active'
  | 'region_unreadable'
  | 'buckets_unreadable'
  | 'table_unreadable'
  | 'bucket_unreadable'
  | 'call_budget_reached'
  | 'bucket_missing'
  | 'bucket_other_account'
  | 'bucket_outside_regions'
  | 'table_other_region'
  | 'scan_partial'
  | 'probe_partial';

/** A lock table as read: where it is and which buckets its items name. */
export interface LockTableEvidence {
  table: string;
  region: string;
  buckets: Map<string, BucketNaming>;
  itemsRead: number;
  /** False when the scan stopped at its page bound (counts are lower bounds). */
  complete: boolean;
}

/** A bucket of the account as read: its region and what the probe found (null: not probed). */
export interface BucketEvidence {
  bucket: string;
  region: string;
  probe: ProbeResult | null;
}

/** A backend discovery infers: enough to watch it like a configured one. */
export interface ImpliedBackend {
  id: string;
  accountId: string;
  region: string;
  bucket: string;
  /** The lock table (null: `.tflock` files only). */
  dynamodbTable: string | null;
  /** `.tflock` objects seen in the bucket (or no table at all). */
  useLockfile: boolean;
  workspaceKeyPrefix: string;
  /** The prefix the keys showed (null: no workspace seen, Terraform's default assumed). */
  workspacePrefixSeen: string | null;
  /** States seen (a lower bound when `countsComplete` is false). */
  stateCount: number;
  /** Lock items in the table naming this bucket at discovery time. */
  lockItems: number;
  countsComplete: boolean;
  /** How it was found, in words. */
  evidence: string[];
}

/** The table naming this bucket most, in the bucket's region (ties: by name). */
function tableFor(bucket: string, region: string, tables: readonly LockTableEvidence[]): LockTableEvidence | null {
  let best: LockTableEvidence | null = null;
  const weight = (t: LockTableEvidence) => {
    const n = t.buckets.get(bucket);
    return n ? n.locks + n.digests : 0;
  };
  for (const t of tables) {
    if (t.region !== region || weight(t) === 0) continue;
    if (!best || weight(t) > weight(best) || (weight(t) === weight(best) && t.table < best.table)) best = t;
  }
  return best;
}

/**
 * The backends one account's evidence implies, and the notes it leaves: a lock table naming this
 * bucket from another region (not linked: Terraform's backend has one region for both).
 */
export function impliedBackends(accountId: string, tables: readonly LockTableEvidence[], buckets: readonly BucketEvidence[]): { backends: ImpliedBackend[]; findings: DiscoveryFinding[] } {
  const backends: ImpliedBackend[] = [];
  const findings: DiscoveryFinding[] = [];
  for (const b of buckets) {
    const table = tableFor(b.bucket, b.region, tables);
    const naming = table?.buckets.get(b.bucket) ?? null;
    const probe = b.probe;
    for (const other of tables) {
      if (other.region !== b.region && other.buckets.has(b.bucket)) {
        findings.push({
          severity: 'info',
          code: 'table_other_region',
          accountId,
          region: other.region,
          resource: other.table,
          message: `Table ${other.table} (${other.region}) names bucket ${b.bucket}, which is in ${b.region}: not linked (a Terraform backend uses one region for its bucket and table).`,
          fix: '',
        });
      }
    }
    const probed = probe !== null && probe.stateCount + probe.lockfileCount > 0;
    if (!naming && !probed) continue;
    const keys = [...(naming?.keys ?? []), ...(probe?.stateKeys ?? [])];
    const seen = workspacePrefixSeen(keys);
    const evidence: string[] = [];
    if (table && naming) evidence.push(`table ${table.table}: ${naming.digests} digest and ${naming.locks} lock item(s) name it${table.complete ? '' : ' (table partly read)'}`);
    if (probe && probed) evidence.push(`${probe.stateCount} state and ${probe.lockfileCount} .tflock object(s) in the first ${probe.keysListed} keys`);
    backends.push({
      id: discoveredBackendId(accountId, b.region, b.bucket),
      accountId,
      region: b.region,
      bucket: b.bucket,
      dynamodbTable: table?.table ?? null,
      useLockfile: !table || (probe?.lockfileCount ?? 0) > 0,
      workspaceKeyPrefix: seen ?? DEFAULT_WORKSPACE_KEY_PREFIX,
      workspacePrefixSeen: seen,
      stateCount: Math.max(probe?.stateCount ?? 0, naming?.digests ?? 0),
      lockItems: naming?.locks ?? 0,
      countsComplete: (table?.complete ?? true) && (probe?.complete ?? true),
      evidence,
    });
  }
  return { backends: backends.sort((a, b) => a.id.localeCompare(b.id)), findings };
}
