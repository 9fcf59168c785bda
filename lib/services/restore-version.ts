import 'server-only';
/**
 * Restore a prior version of a state, with the checks `terraform state push` applies and a raw S3
 * copy skips (protocol reference §2, §3, §5, §8–§10, §12):
 *
 * 1. checks: the bucket is versioned (Enabled: a suspended bucket would overwrite the "null"
 *    version), the chosen version is a real version of exactly this key, the latest version is still
 *    the one the operator saw; both versions are read and the new document is planned (lineage rule,
 *    serial = current + 1, layout kept) before any lock is taken, so a refusal costs nothing;
 * 2. a real Terraform lock on every mechanism the backend uses: `.tflock` with `If-None-Match: *`,
 *    then the DynamoDB item with `attribute_not_exists(LockID)`, the same Go-compatible LockInfo on
 *    both; anyone else's lock → 409 `locked` with the holder, and what was taken is given back;
 * 3. under the lock: the latest version is checked again, then ONE PutObject of the new bytes with
 *    `If-Match` on the current ETag, the current content type and SSE settings, and metadata naming
 *    the restored version; then the digest item, conditional on the value read under the lock, set to
 *    the MD5 of exactly those bytes (retried; `digest_not_updated` with the value to set if it fails);
 * 4. the lock is released conditionally (DynamoDB `Info = <ours>`, `.tflock` `If-Match: <our ETag>`).
 *
 * Nothing here ever deletes an object version: the version count only grows. Any failure after the
 * lock was taken (including a PutObject that does not answer within its deadline) releases it and
 * reports exactly what was and was not changed (`changed`: object written? digest? lock released?).
 * A restore that succeeded but could not give its lock back is a success (200) whose `lock` field
 * says `released: false`, with the lock ID and the command that releases it.
 *
 * The steps are named functions: check → plan note → take lock → write under lock (re-check, put
 * object, put digest) → release → answer. The lock itself is lib/services/terraform-lock.ts.
 */
import crypto from 'node:crypto';
import { AppError } from '../api/errors';
import type { RestoreChanged, RestoreResult } from '../api/restore';
import { getTableItem, putDigestIfUnchanged } from '../aws/lock-table';
import {
  getBucketVersioning,
  getObjectBytes,
  headObject,
  listKeyVersions,
  objectStillIs,
  putObjectConditionally,
  type ConditionalPutResult,
  type ObjectBytes,
  type ObjectEncryption,
  type ObjectVersion,
} from '../aws/state-bucket';
import type { BackendConfig } from '../server/config';
import { LOCKBOARD_VERSION } from '../server/version';
import { faults } from '../server/faults';
import type { LockInfo } from '../terraform/lock-info';
import { forceUnlockCommand } from '../terraform/lock-info';
import { digestLockId } from '../terraform/paths';
import { planRestore, restoreLockInfo, type RestorePlan } from '../terraform/restore-rules';
import { encodeRestoredBy, RESTORED_BY_METADATA, RESTORED_FROM_METADATA, RESTORE_LOCK_METADATA } from '../terraform/restore-metadata';
import { formatUtcTime } from '../terraform/time-text';
import { invalidateSnapshot } from './backend-snapshot';
import { invalidateVersions } from './list-versions';
import { assertStateKey } from './state-version';
import { releaseLock, takeLock, type HeldLock, type ReleaseOutcome } from './terraform-lock';
import { toAppError } from '../server/errors';

export type { RestoreChanged, RestoreResult } from '../api/restore';

// S3 user metadata (`x-amz-meta-…`) on a version Lockboard wrote by restoring another one.
export { RESTORED_BY_METADATA, RESTORED_FROM_METADATA, RESTORE_LOCK_METADATA } from '../terraform/restore-metadata';

export interface RestoreInput {
  key: string;
  versionId: string;
  expectedCurrentVersionId: string;
  allowLineageChange?: boolean;
}

export interface RestoreContext {
  /** The operator (Who of the lock becomes `<user>@lockboard`). */
  user: string;
  auditId?: string;
  /** Adds facts to the audit record. */
  note?: (details: Record<string, unknown>) => void;
}

const DIGEST_ATTEMPTS = 3;
/** How long the state PutObject may take before the restore gives up, releases its lock and reports. */
const PUT_DEADLINE_MS = 60_000;

function jsonSerial(serial: bigint | null): number | string | null {
  if (serial === null) return null;
  return serial <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(serial) : serial.toString();
}

function md5Hex(bytes: Uint8Array): string {
  return crypto.createHash('md5').update(bytes).digest('hex');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const asAppError = (e: unknown): AppError => toAppError(e, 'restore failed unexpectedly');

const NOTHING_CHANGED = { objectWritten: false, newVersionId: null, digestUpdated: false } as const;

/**
 * Reads a version for the restore. An SSE-C object cannot be read (or rewritten with the same
 * encryption) without the customer key, which Lockboard never has: refused clearly.
 */
async function readVersion(backend: BackendConfig, key: string, versionId: string, role: 'current' | 'chosen'): Promise<ObjectBytes> {
  let object: ObjectBytes | null;
  try {
    object = await getObjectBytes(backend, key, versionId);
  } catch (e) {
    if (e instanceof AppError && e.details.awsError === 'InvalidRequest' && /encrypt|customer/i.test(e.message)) {
      throw new AppError(
        'unsupported_encryption',
        `The ${role} version of "${key}" is encrypted with a customer-provided key (SSE-C). Lockboard does not hold that key, so it can neither read the version nor write a new one with the same encryption: restore it with the Terraform CLI (terraform state push).`,
        { backend: backend.id, key, versionId },
      );
    }
    throw e;
  }
  if (object === null) {
    if (role === 'chosen') throw new AppError('version_not_found', `Version "${versionId}" of ${key} does not exist (or is a delete marker).`, { backend: backend.id, key, versionId });
    throw new AppError('state_changed', `The current version of "${key}" (${versionId}) disappeared while it was being read. Nothing was changed; look again.`, { backend: backend.id, key });
  }
  return object;
}

interface Checked {
  current: ObjectBytes | null;
  latest: ObjectVersion;
  chosen: ObjectBytes;
  plan: RestorePlan;
  encryption: ObjectEncryption;
  contentType: string;
}

/** Step 1: every check that needs no lock, and the bytes to write. */
async function check(backend: BackendConfig, input: RestoreInput): Promise<Checked> {
  const { key } = input;
  assertStateKey(backend, key);
  const where = { backend: backend.id, key };
  if (input.versionId === input.expectedCurrentVersionId) {
    throw new AppError('bad_request', `Version "${input.versionId}" is already the current version of "${key}": there is nothing to restore.`, where);
  }
  if (!backend.useLockfile && !backend.dynamodbTable) {
    throw new AppError('bad_request', `Backend "${backend.id}" uses neither a DynamoDB table nor lock files, so Lockboard cannot lock the state while it restores it.`, where);
  }
  const versioning = await getBucketVersioning(backend);
  if (versioning !== 'Enabled') {
    throw new AppError(
      'not_versioned',
      versioning === 'Suspended'
        ? `Versioning of bucket "${backend.bucket}" is suspended: a write would replace the "null" version, destroying history. Lockboard restores only in buckets with versioning enabled.`
        : `Bucket "${backend.bucket}" is not versioned, so it keeps no prior versions to restore.`,
      { ...where, versioning },
    );
  }
  const { versions } = await listKeyVersions(backend, key);
  const chosenEntry = versions.find((v) => v.versionId === input.versionId);
  if (!chosenEntry || chosenEntry.deleteMarker) {
    throw new AppError(
      'version_not_found',
      chosenEntry ? `Version "${input.versionId}" of "${key}" is a delete marker: it has no content to restore.` : `"${input.versionId}" is not a version of "${key}".`,
      { ...where, versionId: input.versionId },
    );
  }
  const latest = versions.find((v) => v.isLatest) ?? versions[0];
  if (!latest || latest.versionId !== input.expectedCurrentVersionId) {
    throw new AppError(
      'state_changed',
      `The current version of "${key}" is no longer the one you saw (${input.expectedCurrentVersionId}): it is now ${latest?.versionId ?? 'absent'}${latest?.deleteMarker ? ' (a delete marker)' : ''}. Nothing was changed; look again.`,
      { ...where, expectedCurrentVersionId: input.expectedCurrentVersionId, currentVersionId: latest?.versionId ?? null },
    );
  }
  const [current, chosen] = await Promise.all([
    latest.deleteMarker ? Promise.resolve(null) : readVersion(backend, key, latest.versionId, 'current'),
    readVersion(backend, key, input.versionId, 'chosen'),
  ]);
  const plan = planRestore({ current: current?.body ?? null, chosen: chosen.body, allowLineageChange: input.allowLineageChange });
  if (!plan.ok) throw new AppError(plan.code, plan.message, { ...where, versionId: input.versionId });
  // The new version keeps the current object's settings (the chosen one's when the state was deleted).
  const source = current ?? chosen;
  return {
    current,
    latest,
    chosen,
    plan,
    encryption: { serverSideEncryption: source.serverSideEncryption, kmsKeyId: source.kmsKeyId },
    contentType: source.contentType ?? 'application/json',
  };
}

type DigestOutcome = { ok: true; previous: string | null } | { ok: false; reason: string };

/**
 * Sets the digest item to the MD5 of the bytes written, conditional on the value read under the lock.
 * Thrown errors are retried; if an attempt landed but its answer was lost, the next attempt's failed
 * condition is recognised by re-reading the item.
 */
async function writeDigest(backend: BackendConfig, digestId: string, md5: string, seen: string | null, delayMs: number): Promise<DigestOutcome> {
  let reason = '';
  for (let i = 1; i <= DIGEST_ATTEMPTS; i++) {
    try {
      const outcome = await putDigestIfUnchanged(backend, digestId, md5, seen);
      if (outcome === 'written') return { ok: true, previous: seen };
      const now = await getTableItem(backend, digestId);
      if (now?.digest === md5) return { ok: true, previous: seen };
      return { ok: false, reason: `the digest item changed while Lockboard held the lock (it now holds ${now?.digest ?? 'nothing'}), so it was not overwritten` };
    } catch (e) {
      reason = asAppError(e).message;
      if (i < DIGEST_ATTEMPTS) await sleep(delayMs * i);
    }
  }
  return { ok: false, reason: `${reason} (after ${DIGEST_ATTEMPTS} attempts)` };
}

/** After a failed PutObject: the current object if it is our own write (by the lock ID in its metadata). */
async function findOwnWrite(backend: BackendConfig, key: string, lockId: string): Promise<ConditionalPutResult | null | 'unknown'> {
  try {
    const head = await headObject(backend, key);
    return head !== null && head.metadata[RESTORE_LOCK_METADATA] === lockId ? { result: 'written', etag: head.etag, versionId: head.versionId } : null;
  } catch {
    return 'unknown';
  }
}

function lockInfoFor(backend: BackendConfig, key: string, user: string, versionId: string, auditId: string | undefined): LockInfo {
  const info = restoreLockInfo({
    bucket: backend.bucket,
    key,
    user,
    version: LOCKBOARD_VERSION,
    randomBytes: crypto.randomBytes(16),
    epochMs: Date.now(),
    // The wall clock has millisecond resolution; the high-resolution clock gives real nanoseconds.
    nanos: Number(process.hrtime.bigint() % 1_000_000n),
  });
  // Terraform leaves Info empty; a person who meets this lock learns what holds it and why.
  return { ...info, info: `Lockboard is restoring version ${versionId}${auditId ? ` (audit ${auditId})` : ''}` };
}

/** Step 2: a real Terraform lock on every mechanism the backend uses, or 409 `locked` with the holder. */
async function lock(backend: BackendConfig, key: string, info: LockInfo, encryption: ObjectEncryption): Promise<HeldLock> {
  const taken = await takeLock(backend, key, info, { encryption });
  if (taken.taken) return taken.held;
  // "Released" only means something when part of our lock had been taken before the refusal.
  const changed: RestoreChanged = { ...NOTHING_CHANGED, lockTaken: taken.gaveBack.held, lockReleased: taken.gaveBack.released };
  const gaveBack = taken.gaveBack.released ? '' : ` But ${taken.gaveBack.notes.join(' ')}`;
  if (taken.reason === 'error') {
    throw new AppError(taken.error.code, `${taken.error.message} Nothing was changed.${gaveBack}`, { ...taken.error.details, lockId: info.id, changed });
  }
  const holder = taken.holder;
  const who = holder ? `${holder.who || 'an unknown holder'} (${holder.operation || 'unknown operation'}, ID ${holder.id || 'none'}, since ${formatUtcTime(holder.created)})` : 'someone (the lock was released again while Lockboard looked)';
  throw new AppError('locked', `"${key}" is locked by ${who}. Nothing was changed; restore once the lock is released.${gaveBack}`, { backend: backend.id, key, holder, locks: taken.locks, changed });
}

/** Step 3a: under the lock, the state must still be exactly the version checked. */
async function recheck(backend: BackendConfig, key: string, checked: Checked): Promise<void> {
  const current = checked.current;
  // A writer without a lock, or one that finished between the check and our lock, would otherwise be overwritten.
  if (!(await objectStillIs(backend, key, current ? { etag: current.etag, versionId: current.versionId } : null))) {
    throw new AppError('state_changed', `The state "${key}" changed after it was checked (someone wrote it). Nothing was written.`, { backend: backend.id, key });
  }
}

/** Result of the object write: written (with its version), or not / unknown, with why. */
type ObjectWrite = { written: true; versionId: string | null } | { written: false | null; error: AppError };

/**
 * Step 3b: ONE conditional PutObject (`If-Match` on the ETag checked; `If-None-Match: *` over a
 * delete marker) with a deadline. A write that failed or timed out may still have landed: the
 * current object's metadata (our lock ID) tells, or else "unknown".
 */
async function writeObject(backend: BackendConfig, key: string, checked: Checked, input: RestoreInput, info: LockInfo, user: string): Promise<ObjectWrite> {
  const current = checked.current;
  let put: ConditionalPutResult;
  try {
    put = await putObjectConditionally(faults.backendFor('restore:put-object', backend), key, checked.plan.bytes, {
      condition: current ? { ifMatch: current.etag } : { ifNoneMatch: true },
      contentType: checked.contentType,
      encryption: checked.encryption,
      metadata: { [RESTORED_FROM_METADATA]: input.versionId, [RESTORE_LOCK_METADATA]: info.id, [RESTORED_BY_METADATA]: encodeRestoredBy(user) },
      deadlineMs: faults.delay('restore:put-deadline-ms', PUT_DEADLINE_MS),
    });
  } catch (e) {
    const landed = await findOwnWrite(backend, key, info.id);
    if (landed === 'unknown') return { written: null, error: asAppError(e) };
    if (landed === null) return { written: false, error: asAppError(e) };
    put = landed;
  }
  if (put.result === 'precondition_failed') {
    return { written: false, error: new AppError('state_changed', `The state "${key}" changed just before the write (S3 refused the conditional write). Nothing was written.`, { backend: backend.id, key }) };
  }
  return { written: true, versionId: put.versionId };
}

/** What happened under the lock (never throws: the lock must be released whatever happened). */
interface UnderLock {
  changed: Omit<RestoreChanged, 'lockTaken' | 'lockReleased'>;
  failure: AppError | null;
  digestFailure: string | null;
  digestBefore: string | null;
}

/** Step 3: re-check, write the object, then the digest (conditional on the value read under the lock). */
async function writeUnderLock(backend: BackendConfig, key: string, checked: Checked, input: RestoreInput, info: LockInfo, md5: string, user: string): Promise<UnderLock> {
  const digestId = digestLockId(backend.bucket, key);
  let digestBefore: string | null = null;
  try {
    await faults.at('restore:after-lock');
    await recheck(backend, key, checked);
    digestBefore = backend.dynamodbTable ? ((await getTableItem(backend, digestId))?.digest ?? null) : null;
    await faults.at('restore:before-write');
  } catch (e) {
    return { changed: NOTHING_CHANGED, failure: asAppError(e), digestFailure: null, digestBefore };
  }
  const object = await writeObject(backend, key, checked, input, info, user);
  if (!object.written) return { changed: { ...NOTHING_CHANGED, objectWritten: object.written }, failure: object.error, digestFailure: null, digestBefore };
  const written = { objectWritten: true, newVersionId: object.versionId };
  if (!backend.dynamodbTable) return { changed: { ...written, digestUpdated: false }, failure: null, digestFailure: null, digestBefore };
  const digest = await writeDigest(faults.backendFor('restore:put-digest', backend), digestId, md5, digestBefore, faults.delay('restore:digest-retry-ms', 300));
  return { changed: { ...written, digestUpdated: digest.ok }, failure: null, digestFailure: digest.ok ? null : digest.reason, digestBefore };
}

/** Step 5: the answer (or the error) saying exactly what was and was not changed. */
function answer(backend: BackendConfig, input: RestoreInput, checked: Checked, info: LockInfo, md5: string, outcome: UnderLock, release: ReleaseOutcome): RestoreResult {
  const changed: RestoreChanged = { ...outcome.changed, lockTaken: true, lockReleased: release.released };
  // Lockboard's own lock ID is a UUID: always quotable, never null.
  const command = forceUnlockCommand(info.id) ?? `terraform force-unlock '${info.id}'`;
  const lockText = release.released
    ? 'The lock Lockboard took was released.'
    : `The lock Lockboard took (ID ${info.id}) could NOT be fully released: ${release.notes.join(' ')} Release it with: ${command}`;
  const common = { backend: backend.id, key: input.key, restoredFrom: input.versionId, lockId: info.id, changed, ...(release.released ? {} : { forceUnlock: command }) };

  if (outcome.failure) {
    const what =
      changed.objectWritten === null
        ? 'Whether the new version was written could not be determined (check the version history).'
        : changed.objectWritten
          ? `The new version ${changed.newVersionId} WAS written.`
          : 'No object was written.';
    throw new AppError(outcome.failure.code, `${outcome.failure.message} ${what} ${lockText}`, { ...outcome.failure.details, ...common });
  }
  if (outcome.digestFailure !== null) {
    const digestId = digestLockId(backend.bucket, input.key);
    throw new AppError(
      'digest_not_updated',
      `Version ${input.versionId} was restored as the new version ${changed.newVersionId}, but the digest item "${digestId}" could not be set: ${outcome.digestFailure}. Until it holds ${md5}, Terraform fails with "state data in S3 does not have the expected content". Set Digest of "${digestId}" to ${md5} (the digest repair on the states page does it). ${lockText}`,
      { ...common, setDigestTo: md5, digestItem: digestId, newVersionId: changed.newVersionId },
    );
  }
  const plan = checked.plan;
  return {
    versionId: changed.newVersionId ?? '',
    serial: jsonSerial(plan.serial),
    digest: backend.dynamodbTable ? md5 : null,
    serialBumped: plan.serialBumped,
    restoredFrom: input.versionId,
    previousVersionId: checked.latest.versionId,
    previousSerial: jsonSerial(plan.currentSerial),
    lockId: info.id,
    // The restore itself succeeded; a lock left behind is reported with the way out, not as a failure.
    lock: release.released ? { released: true, id: info.id } : { released: false, id: info.id, reason: release.notes.join(' '), forceUnlock: command },
    warnings: release.notes.length > 0 ? [...plan.warnings, ...release.notes] : plan.warnings,
  };
}

export async function restoreVersion(backend: BackendConfig, input: RestoreInput, ctx: RestoreContext): Promise<RestoreResult> {
  const { key } = input;
  const checked = await check(backend, input);
  const { plan, current, chosen } = checked;
  const md5 = md5Hex(plan.bytes);
  ctx.note?.({
    restoredFrom: input.versionId,
    previousVersionId: checked.latest.versionId,
    current: current ? { versionId: current.versionId, etag: current.etag, serial: jsonSerial(plan.currentSerial), lineage: plan.currentLineage, kind: plan.currentKind } : null,
    chosen: { versionId: chosen.versionId, etag: chosen.etag, serial: jsonSerial(plan.chosenSerial), lineage: plan.chosenLineage, kind: plan.chosenKind },
    planned: { serial: jsonSerial(plan.serial), serialBumped: plan.serialBumped, md5, size: plan.bytes.byteLength, warnings: plan.warnings },
  });

  const info = lockInfoFor(backend, key, ctx.user, input.versionId, ctx.auditId);
  const held = await lock(backend, key, info, checked.encryption);
  ctx.note?.({ lock: { id: info.id, json: held.json, lockfileEtag: held.lockfileEtag, dynamodb: held.dynamodb } });

  const outcome = await writeUnderLock(backend, key, checked, input, info, md5, ctx.user);
  // Step 4: always give the lock back, whatever happened above.
  const release = await releaseLock(faults.backendFor('restore:release-lock', backend), key, held);
  invalidateSnapshot(backend.id);
  invalidateVersions(backend.id, key);
  ctx.note?.({ changed: { ...outcome.changed, lockTaken: true, lockReleased: release.released }, releaseNotes: release.notes, digestBefore: outcome.digestBefore, ...(release.released ? {} : { lockLeft: { id: info.id, reason: release.notes.join(' ') } }) });
  return answer(backend, input, checked, info, md5, outcome, release);
}
