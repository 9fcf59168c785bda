/**
 * Recovery posture rules: from a bucket's versioning, lifecycle rules, Object Lock, encryption and
 * replication (as read) and each state's version history, whether a restore is possible today, how far
 * back, and until when. Pure, no I/O. Unknown stays unknown: a setting that could not be read is
 * never taken as "off" or "fine".
 *
 * S3 lifecycle semantics used (AWS docs, "Lifecycle configuration elements"): a rule applies to keys
 * under its prefix (and with its tags, and within its size bounds); `NoncurrentVersionExpiration`
 * removes a version `NoncurrentDays` after it became non-current (= when the next version or delete
 * marker was written), rounded up to the next midnight UTC, except the `NewerNoncurrentVersions`
 * newest non-current ones; `Expiration.Days` deletes *current* objects (a delete marker in a
 * versioned bucket); `ExpiredObjectDeleteMarker` removes a delete marker left alone.
 */
import { formatUtcTime } from './time-text';

export interface LifecycleRuleInfo {
  id: string;
  enabled: boolean;
  prefix: string;
  tags: { key: string; value: string }[];
  sizeGreaterThan: number | null;
  sizeLessThan: number | null;
  expirationDays: number | null;
  expirationDate: string | null;
  expiredObjectDeleteMarker: boolean;
  noncurrentDays: number | null;
  newerNoncurrentVersions: number | null;
  noncurrentTransition: boolean;
}

/** `yes`: applies; `maybe`: depends on object tags (not read: OpenTofu `lock_tags` set them on `.tflock`s). */
export type Applies = 'yes' | 'maybe' | 'no';

export function ruleApplies(rule: LifecycleRuleInfo, key: string, size: number | null = null): Applies {
  if (!rule.enabled || !key.startsWith(rule.prefix)) return 'no';
  if (size !== null && rule.sizeGreaterThan !== null && !(size > rule.sizeGreaterThan)) return 'no';
  if (size !== null && rule.sizeLessThan !== null && !(size < rule.sizeLessThan)) return 'no';
  return rule.tags.length > 0 ? 'maybe' : 'yes';
}

const DAY_MS = 86_400_000;

/** When S3 expires an object `days` after `fromIso`: that instant plus the days, rounded up to midnight UTC. */
export function expiryInstant(fromIso: string, days: number): string {
  const t = Date.parse(fromIso) + days * DAY_MS;
  return new Date(Math.ceil(t / DAY_MS) * DAY_MS).toISOString();
}

export interface KeyVersionInfo {
  versionId: string;
  lastModified: string | null;
  deleteMarker: boolean;
  isLatest: boolean;
}

export interface StatePosture {
  key: string;
  /** Versions with content (not delete markers). */
  versionCount: number;
  /** Prior versions a restore can use today (non-current, not delete markers). */
  restorableCount: number;
  /** The oldest version a restore can use today, or null when there is none. */
  oldest: { versionId: string; lastModified: string | null } | null;
  /** When the current rules remove that oldest version; null when no rule does (kept until changed). */
  oldestKeptUntil: string | null;
  /** When the last restorable version goes under the current rules (null: one is kept indefinitely). */
  lastRestorableUntil: string | null;
  /** A rule's tag filter may apply: the dates above assume it does not. */
  tagDependent: boolean;
  /** The current object is (or will be) deleted by an `Expiration` rule. */
  currentExpires: string | null;
}

/**
 * One state's restore window. `versions`: its versions and delete markers, newest first.
 */
export function statePosture(key: string, versions: KeyVersionInfo[], rules: LifecycleRuleInfo[], size: number | null = null): StatePosture {
  const applying = rules.map((r) => ({ r, a: ruleApplies(r, key, size) })).filter((x) => x.a !== 'no');
  const tagDependent = applying.some((x) => x.a === 'maybe' && (x.r.noncurrentDays !== null || x.r.expirationDays !== null));
  const sure = applying.filter((x) => x.a === 'yes').map((x) => x.r);
  const nc = sure.filter((r) => r.noncurrentDays !== null);
  // The strictest rule wins: fewest days, fewest kept.
  const days = nc.length ? Math.min(...nc.map((r) => r.noncurrentDays!)) : null;
  const keep = nc.length && nc.every((r) => r.newerNoncurrentVersions !== null) ? Math.min(...nc.map((r) => r.newerNoncurrentVersions!)) : 0;

  const restorable: { v: KeyVersionInfo; until: string | null }[] = [];
  let nonCurrentRank = 0;
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i]!;
    if (v.isLatest) continue;
    const successor = versions[i - 1];
    const rank = nonCurrentRank++;
    if (v.deleteMarker) continue;
    const becameNonCurrent = successor?.lastModified ?? null;
    const until = days === null || rank < keep || becameNonCurrent === null ? null : expiryInstant(becameNonCurrent, days);
    restorable.push({ v, until });
  }
  const oldest = restorable[restorable.length - 1] ?? null;
  const untils = restorable.map((x) => x.until);
  const lastRestorableUntil = restorable.length === 0 || untils.some((u) => u === null) ? null : untils.reduce((a, b) => (Date.parse(a!) > Date.parse(b!) ? a : b))!;
  const current = versions.find((v) => v.isLatest && !v.deleteMarker);
  const exp = sure.filter((r) => r.expirationDays !== null || r.expirationDate !== null);
  let currentExpires: string | null = null;
  if (current && exp.length) {
    const times = exp.map((r) => (r.expirationDate ? r.expirationDate : current.lastModified ? expiryInstant(current.lastModified, r.expirationDays!) : null)).filter((t): t is string => t !== null);
    currentExpires = times.length ? times.reduce((a, b) => (Date.parse(a) < Date.parse(b) ? a : b)) : null;
  }
  return {
    key,
    versionCount: versions.filter((v) => !v.deleteMarker).length,
    restorableCount: restorable.length,
    oldest: oldest ? { versionId: oldest.v.versionId, lastModified: oldest.v.lastModified } : null,
    oldestKeptUntil: oldest?.until ?? null,
    lastRestorableUntil,
    tagDependent,
    currentExpires,
  };
}

export type Severity = 'critical' | 'warning' | 'info' | 'ok';

export interface PostureFinding {
  severity: Severity;
  code: string;
  /** Plain words: what this means for a restore. */
  message: string;
  /** What to do about it (empty when nothing needs doing). */
  fix: string;
}

export type Known<T> = { status: 'ok'; value: T } | { status: 'not_checked'; reason: string };

export interface BucketFacts {
  bucket: string;
  versioning: Known<{ status: 'Enabled' | 'Suspended' | 'Disabled'; mfaDelete: 'Enabled' | 'Disabled' }>;
  lifecycle: Known<LifecycleRuleInfo[]>;
  objectLock: Known<{ enabled: boolean; mode: string | null; days: number | null; years: number | null }>;
  encryption: Known<{ algorithm: string | null; kmsKeyId: string | null; bucketKey: boolean }>;
  replication: Known<{ rules: { id: string; enabled: boolean; prefix: string; destination: string }[] }>;
}

export interface BackendPostureSummary {
  /** `impossible`: no restore can work; `at_risk`: it will stop working soon or for some states. */
  restore: 'ok' | 'at_risk' | 'impossible' | 'unknown';
  findings: PostureFinding[];
}

/** A state whose restore window closes within this many days is "about to become impossible". */
export const SOON_DAYS = 7;

/**
 * The backend's verdict. `stateKeys`/`lockKeys`: sample keys the rules are tested against (every state
 * key; `.tflock` keys); `states`: per-state windows (when the version history was read).
 */
export function backendPosture(facts: BucketFacts, input: { stateKeys: string[]; lockKeys: string[]; states: StatePosture[] | null; lockfileVersions: number | null; nowMs: number }): BackendPostureSummary {
  const findings: PostureFinding[] = [];
  const b = facts.bucket;
  const enable = `aws s3api put-bucket-versioning --bucket ${b} --versioning-configuration Status=Enabled`;
  let restore: BackendPostureSummary['restore'] = 'ok';
  const worsen = (to: 'at_risk' | 'impossible') => {
    if (restore === 'impossible' || (restore === 'at_risk' && to === 'at_risk')) return;
    if (restore === 'unknown' && to === 'at_risk') return;
    restore = to;
  };

  if (facts.versioning.status === 'not_checked') {
    restore = 'unknown';
    findings.push({ severity: 'warning', code: 'versioning_not_checked', message: `Versioning not checked: ${facts.versioning.reason}. Whether a restore is possible is unknown.`, fix: 'Allow s3:GetBucketVersioning to Lockboard’s role.' });
  } else if (facts.versioning.value.status === 'Disabled') {
    worsen('impossible');
    findings.push({ severity: 'critical', code: 'versioning_disabled', message: 'Versioning was never enabled: every write replaces the state for good, so no prior version exists and no restore is possible.', fix: `Enable versioning: ${enable}` });
  } else if (facts.versioning.value.status === 'Suspended') {
    worsen('impossible');
    findings.push({ severity: 'critical', code: 'versioning_suspended', message: 'Versioning is suspended: each new write replaces the previous one (version "null"), so changes made since it was suspended cannot be restored. Versions from before stay.', fix: `Enable versioning again: ${enable}` });
  } else {
    findings.push({ severity: 'ok', code: 'versioning_enabled', message: 'Versioning is enabled: every write keeps the previous version.', fix: '' });
  }
  if (facts.versioning.status === 'ok' && facts.versioning.value.mfaDelete === 'Enabled') {
    findings.push({ severity: 'ok', code: 'mfa_delete', message: 'MFA delete is enabled: versions cannot be deleted (nor versioning suspended) without the root account’s MFA.', fix: '' });
  }

  if (facts.lifecycle.status === 'not_checked') {
    if (restore === 'ok') restore = 'unknown';
    findings.push({ severity: 'warning', code: 'lifecycle_not_checked', message: `Lifecycle rules not checked: ${facts.lifecycle.reason}. Whether old versions are expired is unknown.`, fix: 'Allow s3:GetLifecycleConfiguration to Lockboard’s role.' });
  } else {
    for (const r of facts.lifecycle.value) {
      const onStates = input.stateKeys.filter((k) => ruleApplies(r, k) !== 'no');
      const onLocks = input.lockKeys.filter((k) => ruleApplies(r, k) !== 'no');
      const maybe = r.tags.length > 0 ? ' (if the objects carry its tags)' : '';
      const name = `Lifecycle rule "${r.id || '(no id)'}"`;
      if (onStates.length && (r.expirationDays !== null || r.expirationDate !== null)) {
        worsen('at_risk');
        findings.push({
          severity: 'critical',
          code: 'state_expiration',
          message: `${name} expires current objects${r.expirationDays !== null ? ` ${r.expirationDays} days after they are written` : ` on ${formatUtcTime(r.expirationDate)}`}${maybe}: it applies to ${onStates.length} state(s), which then look deleted to Terraform.`,
          fix: `Exclude the state keys from this rule (narrow its prefix/filter), or remove its Expiration.`,
        });
      }
      if (onStates.length && r.noncurrentDays !== null) {
        const kept = r.newerNoncurrentVersions ? `, except the ${r.newerNoncurrentVersions} newest` : '';
        const soon = r.noncurrentDays <= SOON_DAYS && !r.newerNoncurrentVersions;
        if (soon) worsen('at_risk');
        findings.push({
          severity: soon ? 'warning' : 'info',
          code: 'noncurrent_expiration',
          message: `${name} deletes prior versions of ${onStates.length} state(s) ${r.noncurrentDays} days after they are replaced${kept}${maybe}: a restore can go back at most ${r.noncurrentDays} days${kept ? ' (or to those kept versions)' : ''}.`,
          fix: soon ? `Keep prior versions longer (NoncurrentDays ≥ 30) or keep the last few regardless of age (NewerNoncurrentVersions, e.g. 10).` : '',
        });
      }
      if (onStates.length && r.expiredObjectDeleteMarker) {
        findings.push({ severity: 'info', code: 'delete_marker_cleanup', message: `${name} removes delete markers left without versions: harmless for restores.`, fix: '' });
      }
      if (onLocks.length && (r.noncurrentDays !== null || r.expirationDays !== null)) {
        findings.push({
          severity: 'info',
          code: 'lockfile_expiration',
          message: `${name} expires .tflock history${r.noncurrentDays !== null ? ` after ${r.noncurrentDays} days` : ''}${maybe} (OpenTofu 1.11 lock_tags rules do this): writers of state versions older than that show as "unknown".`,
          fix: '',
        });
      }
      if (onStates.length && r.noncurrentTransition) {
        findings.push({ severity: 'info', code: 'noncurrent_transition', message: `${name} moves prior state versions to another storage class: an archived (Glacier) version must be restored from the archive before Lockboard can read it.`, fix: '' });
      }
    }
  }

  if (facts.objectLock.status === 'ok' && facts.objectLock.value.enabled) {
    const o = facts.objectLock.value;
    findings.push({ severity: 'ok', code: 'object_lock', message: `Object Lock is enabled${o.mode ? ` (${o.mode}, ${o.days ?? o.years} ${o.days ? 'days' : 'years'} by default)` : ''}: versions cannot be deleted before their retention ends.`, fix: '' });
  } else if (facts.objectLock.status === 'not_checked') {
    findings.push({ severity: 'info', code: 'object_lock_not_checked', message: `Object Lock not checked: ${facts.objectLock.reason}.`, fix: 'Allow s3:GetBucketObjectLockConfiguration to Lockboard’s role.' });
  }

  if (facts.encryption.status === 'ok') {
    const a = facts.encryption.value.algorithm;
    if (a && a.startsWith('aws:kms'))
      findings.push({ severity: 'info', code: 'sse_kms', message: `Default encryption is SSE-KMS: ETags are not MD5 digests, so Lockboard downloads states to check digests and to index them, and reading needs kms:Decrypt on ${facts.encryption.value.kmsKeyId ?? 'the key'}.`, fix: '' });
    else findings.push({ severity: 'ok', code: 'sse_s3', message: `Default encryption is ${a === 'AES256' ? 'SSE-S3' : (a ?? 'SSE-S3 (S3’s default)')}: ETags of single-part uploads are MD5 digests.`, fix: '' });
  } else {
    findings.push({ severity: 'info', code: 'encryption_not_checked', message: `Default encryption not checked: ${facts.encryption.reason}.`, fix: 'Allow s3:GetEncryptionConfiguration to Lockboard’s role.' });
  }

  if (facts.replication.status === 'ok') {
    const rules = facts.replication.value.rules.filter((r) => r.enabled);
    findings.push(
      rules.length
        ? { severity: 'ok', code: 'replication', message: `Replicated to ${[...new Set(rules.map((r) => r.destination))].join(', ')}: a copy of each version exists in another bucket.`, fix: '' }
        : { severity: 'info', code: 'no_replication', message: 'Not replicated: the versions in this bucket are the only copy.', fix: '' },
    );
  } else {
    findings.push({ severity: 'info', code: 'replication_not_checked', message: `Replication not checked: ${facts.replication.reason}.`, fix: 'Allow s3:GetReplicationConfiguration to Lockboard’s role.' });
  }

  if (input.lockfileVersions !== null && input.lockfileVersions > 10_000) {
    findings.push({ severity: 'info', code: 'lockfile_growth', message: `${input.lockfileVersions.toLocaleString('en')} .tflock versions are kept (each lock and unlock adds one); listing a state’s history reads them all.`, fix: 'Optionally expire non-current .tflock versions (e.g. after 90 days); writers of older state versions then show as unknown.' });
  }

  if (input.states) {
    const soonMs = input.nowMs + SOON_DAYS * DAY_MS;
    const none = input.states.filter((s) => s.restorableCount === 0 && s.versionCount > 0);
    const closing = input.states.filter((s) => s.lastRestorableUntil !== null && Date.parse(s.lastRestorableUntil) <= soonMs);
    const expiring = input.states.filter((s) => s.currentExpires !== null && Date.parse(s.currentExpires) <= soonMs);
    if (closing.length) {
      worsen('at_risk');
      findings.push({ severity: 'warning', code: 'restore_window_closing', message: `${closing.length} state(s) lose their last restorable version within ${SOON_DAYS} days (the lifecycle rule expires it and no newer prior version exists).`, fix: 'Lengthen NoncurrentDays or set NewerNoncurrentVersions on the rule.' });
    }
    if (expiring.length) {
      worsen('at_risk');
      findings.push({ severity: 'critical', code: 'state_expiring', message: `${expiring.length} current state object(s) are deleted by a lifecycle rule within ${SOON_DAYS} days.`, fix: 'Remove the Expiration from rules that cover state keys.' });
    }
    if (none.length) findings.push({ severity: 'info', code: 'no_prior_version', message: `${none.length} state(s) have no prior version yet (or none left): nothing to restore them to.`, fix: '' });
  }

  const order: Record<Severity, number> = { critical: 0, warning: 1, info: 2, ok: 3 };
  findings.sort((x, y) => order[x.severity] - order[y.severity]);
  return { restore, findings };
}
