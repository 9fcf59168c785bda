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
 * lock was taken releases it and reports exactly what was and was not changed.
 */
import crypto from 'node:crypto';
import { getTableItem, putDigestIfUnchanged, putLockItemIfAbsent, deleteLockItemIfInfo } from '../aws/lock-table';
import {
  deleteObjectIfMatch,
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
import { invalidate } from '../server/cache';
import { getConfig, type BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import { marshalLockInfo, parseLockInfo, type LockInfo } from '../terraform/lock-info';
import { mergeLocks, type Lock, type LockfileRecord } from '../terraform/locks';
import { digestLockId, lockfileKey, lockPath } from '../terraform/paths';
import { planRestore, restoreLockInfo, type RestorePlan } from '../terraform/restore-rules';
import { LOCKBOARD_VERSION } from '../server/version';
import { invalidateSnapshot } from './backend-snapshot';
import { assertStateKey } from './state-version';

/** S3 user metadata (`x-amz-meta-…`) on a version Lockboard wrote by restoring another one. */
export const RESTORED_FROM_METADATA = 'lockboard-restored-from';
/** The lock ID Lockboard held while writing it: proves a version is Lockboard's own write. */
export const RESTORE_LOCK_METADATA = 'lockboard-lock-id';

export interface RestoreInput {
  key: string;
  versionId: string;
  expectedCurrentVersionId: string;
  allowLineageChange?: boolean;
}

/** What a restore changed; `objectWritten` null means it could not be determined. */
export interface RestoreChanged {
  objectWritten: boolean | null;
  newVersionId: string | null;
  digestUpdated: boolean;
  lockReleased: boolean;
}

export interface RestoreResult {
  /** The new latest version. */
  versionId: string;
  /** Serial of the written document (a string past 2^53; null when unknown: encrypted). */
  serial: number | string | null;
  /** MD5 of the written bytes, stored as the digest when the backend has a table (else null). */
  digest: string | null;
  serialBumped: boolean;
  restoredFrom: string;
  previousVersionId: string;
  previousSerial: number | string | null;
  lockId: string;
  warnings: string[];
}

export type RestoreStep = 'put-object' | 'put-digest';

export interface RestoreHooks {
  /** The operator (Who of the lock becomes `<user>@lockboard`). */
  user: string;
  auditId?: string;
  /** Adds facts to the audit record. */
  note?: (details: Record<string, unknown>) => void;
  /** Test seams, set only by tests (the route never passes them). */
  test?: {
    /** Runs once the lock is held, before the re-check and the write (to stage a race). */
    afterLock?: () => Promise<void>;
    /** Runs after the re-check, right before the PutObject (only S3's own condition can then catch a race). */
    beforeWrite?: () => Promise<void>;
    /** The backend one step talks to (e.g. a copy pointed at a dead endpoint, to make it fail). */
    backendFor?: (step: RestoreStep, backend: BackendConfig) => BackendConfig;
    /** Delay between digest attempts (default 300 ms × attempt). */
    digestRetryDelayMs?: number;
  };
}

const DIGEST_ATTEMPTS = 3;
const RELEASE_ATTEMPTS = 3;

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

function asAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  console.error('[lockboard] restore failed unexpectedly', e);
  return new AppError('internal', 'Internal error; the server log has the details.');
}

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

export interface HeldLock {
  info: LockInfo;
  json: string;
  /** ETag of our `.tflock`, null when the backend does not use lock files. */
  lockfileEtag: string | null;
  dynamodb: boolean;
}

/** The locks now on the key, in the shape of the locks listing (for the 409 answer). */
async function currentLocks(backend: BackendConfig, key: string): Promise<Lock[]> {
  const [item, file] = await Promise.all([
    backend.dynamodbTable ? getTableItem(backend, lockPath(backend.bucket, key)).catch(() => null) : Promise.resolve(null),
    backend.useLockfile ? getObjectBytes(backend, lockfileKey(key)).catch(() => null) : Promise.resolve(null),
  ]);
  const lockfiles: LockfileRecord[] = file ? [{ key, etag: file.etag, lastModified: file.lastModified, body: new TextDecoder().decode(file.body) }] : [];
  const config = getConfig();
  return mergeLocks(
    { bucket: backend.bucket, workspaceKeyPrefix: backend.workspaceKeyPrefix, dualMode: backend.useLockfile && backend.dynamodbTable !== null, staleAfterMinutes: config.staleAfterMinutes, nowMs: Date.now() },
    item && item.info !== null ? [{ lockId: item.lockId, info: item.info }] : [],
    lockfiles,
  );
}

async function lockedError(backend: BackendConfig, key: string, released: boolean): Promise<AppError> {
  const locks = await currentLocks(backend, key);
  const holder = locks[0] ?? null;
  const who = holder ? `${holder.who || 'an unknown holder'} (${holder.operation || 'unknown operation'}, ID ${holder.id || 'none'}, since ${holder.created || 'unknown'})` : 'someone (the lock was released again while Lockboard looked)';
  return new AppError('locked', `"${key}" is locked by ${who}. Nothing was changed; restore once the lock is released.`, {
    backend: backend.id,
    key,
    holder,
    locks,
    changed: { objectWritten: false, newVersionId: null, digestUpdated: false, lockReleased: released } satisfies RestoreChanged,
  });
}

/** Retries one release call on thrown errors; a failed condition is an answer, not an error. */
async function attempt<T>(call: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < RELEASE_ATTEMPTS; i++) {
    try {
      return await call();
    } catch (e) {
      last = e;
      await sleep(200 * (i + 1));
    }
  }
  throw last;
}

export interface ReleaseOutcome {
  released: boolean;
  notes: string[];
}

/**
 * Gives back exactly our lock: DynamoDB `DeleteItem` if `Info` is still our JSON, `.tflock`
 * `DeleteObject` if its ETag is still ours (a delete marker in a versioned bucket, as Terraform's
 * own unlock leaves). A failed condition means our lock is no longer there (someone removed it).
 */
export async function releaseLock(backend: BackendConfig, key: string, held: HeldLock): Promise<ReleaseOutcome> {
  const notes: string[] = [];
  let released = true;
  if (held.dynamodb) {
    try {
      const outcome = await attempt(() => deleteLockItemIfInfo(backend, lockPath(backend.bucket, key), held.json));
      if (outcome === 'condition_failed') notes.push('The DynamoDB lock item was no longer Lockboard\'s (someone removed or replaced it); it was left alone.');
    } catch (e) {
      released = false;
      notes.push(`The DynamoDB lock item could not be released: ${asAppError(e).message}`);
    }
  }
  if (held.lockfileEtag !== null) {
    const etag = held.lockfileEtag;
    try {
      const outcome = await attempt(() => deleteObjectIfMatch(backend, lockfileKey(key), etag));
      if (outcome === 'precondition_failed') notes.push('The .tflock object was no longer Lockboard\'s (someone replaced it); it was left alone.');
    } catch (e) {
      released = false;
      notes.push(`The .tflock object could not be released: ${asAppError(e).message}`);
    }
  }
  return { released, notes };
}

/** The `.tflock`'s ETag when it holds lock `id` (ours), else null. */
async function ownLockfileEtag(backend: BackendConfig, key: string, id: string): Promise<string | null> {
  const file = await getObjectBytes(backend, lockfileKey(key));
  return file !== null && parseLockInfo(new TextDecoder().decode(file.body)).info.id === id ? file.etag : null;
}

/** Whether the DynamoDB lock item holds lock `id` (ours). */
async function holdsOwnLockItem(backend: BackendConfig, key: string, id: string): Promise<boolean> {
  const item = await getTableItem(backend, lockPath(backend.bucket, key));
  return item !== null && parseLockInfo(item.info).info.id === id;
}

/**
 * Step 2: `.tflock` first, then DynamoDB, with the same LockInfo; gives back what it took on failure.
 * A conditional write answering "already exists" whose stored lock carries this attempt's own fresh
 * ID is success (the SDK retried a write that had landed), not a conflict. Also used by freezes.
 */
export async function acquireLock(backend: BackendConfig, key: string, info: LockInfo, encryption: ObjectEncryption): Promise<HeldLock> {
  const held: HeldLock = { info, json: marshalLockInfo(info), lockfileEtag: null, dynamodb: false };
  if (backend.useLockfile) {
    const put = await putObjectConditionally(backend, lockfileKey(key), held.json, { condition: { ifNoneMatch: true }, contentType: 'application/json', encryption });
    // "Already exists" holding our own fresh ID is our write whose first answer was lost (SDK retry).
    const etag = put.result === 'written' ? put.etag : await ownLockfileEtag(backend, key, info.id);
    if (etag === null) throw await lockedError(backend, key, true);
    held.lockfileEtag = etag;
  }
  if (backend.dynamodbTable) {
    let outcome: 'written' | 'condition_failed';
    try {
      outcome = await putLockItemIfAbsent(backend, lockPath(backend.bucket, key), held.json);
    } catch (e) {
      const release = await releaseLock(backend, key, held);
      const error = asAppError(e);
      throw new AppError(error.code, `${error.message} Nothing was changed${release.released ? '' : `, but ${release.notes.join(' ')}`}.`, {
        ...error.details,
        lockId: info.id,
        changed: { objectWritten: false, newVersionId: null, digestUpdated: false, lockReleased: release.released } satisfies RestoreChanged,
      });
    }
    if (outcome === 'condition_failed' && !(await holdsOwnLockItem(backend, key, info.id))) {
      const release = await releaseLock(backend, key, held);
      throw await lockedError(backend, key, release.released);
    }
    held.dynamodb = true;
  }
  return held;
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

export async function restoreVersion(backend: BackendConfig, input: RestoreInput, hooks: RestoreHooks): Promise<RestoreResult> {
  const { key } = input;
  const checked = await check(backend, input);
  const { plan, current, chosen } = checked;
  const md5 = md5Hex(plan.bytes);
  hooks.note?.({
    restoredFrom: input.versionId,
    previousVersionId: checked.latest.versionId,
    current: current ? { versionId: current.versionId, etag: current.etag, serial: jsonSerial(plan.currentSerial), lineage: plan.currentLineage, kind: plan.currentKind } : null,
    chosen: { versionId: chosen.versionId, etag: chosen.etag, serial: jsonSerial(plan.chosenSerial), lineage: plan.chosenLineage, kind: plan.chosenKind },
    planned: { serial: jsonSerial(plan.serial), serialBumped: plan.serialBumped, md5, size: plan.bytes.byteLength, warnings: plan.warnings },
  });

  const info = lockInfoFor(backend, key, hooks.user, input.versionId, hooks.auditId);
  const held = await acquireLock(backend, key, info, checked.encryption);
  hooks.note?.({ lock: { id: info.id, json: held.json, lockfileEtag: held.lockfileEtag, dynamodb: held.dynamodb } });

  const changed: RestoreChanged = { objectWritten: false, newVersionId: null, digestUpdated: false, lockReleased: false };
  const objectBackend = hooks.test?.backendFor?.('put-object', backend) ?? backend;
  const digestBackend = hooks.test?.backendFor?.('put-digest', backend) ?? backend;
  const digestId = digestLockId(backend.bucket, key);
  let failure: AppError | null = null;
  let digestFailure: string | null = null;
  let previousDigest: string | null = null;

  try {
    await hooks.test?.afterLock?.();
    // Under the lock, the state must still be exactly the version checked (a writer without a lock,
    // or one that finished between the check and our lock, would otherwise be overwritten).
    if (!(await objectStillIs(backend, key, current ? { etag: current.etag, versionId: current.versionId } : null))) {
      throw new AppError('state_changed', `The state "${key}" changed after it was checked (someone wrote it). Nothing was written.`, { backend: backend.id, key });
    }
    const seenDigest = backend.dynamodbTable ? ((await getTableItem(backend, digestId))?.digest ?? null) : null;
    previousDigest = seenDigest;

    // Step 3: one conditional PutObject. `If-Match` on the ETag checked; `If-None-Match: *` over a delete marker.
    await hooks.test?.beforeWrite?.();
    let put: ConditionalPutResult;
    try {
      put = await putObjectConditionally(objectBackend, key, plan.bytes, {
        condition: current ? { ifMatch: current.etag } : { ifNoneMatch: true },
        contentType: checked.contentType,
        encryption: checked.encryption,
        metadata: { [RESTORED_FROM_METADATA]: input.versionId, [RESTORE_LOCK_METADATA]: info.id },
      });
    } catch (e) {
      // The request may have landed even though its answer was lost: look before reporting.
      const landed = await findOwnWrite(backend, key, info.id);
      if (landed === 'unknown') changed.objectWritten = null;
      if (landed === 'unknown' || landed === null) throw e;
      put = landed;
    }
    if (put.result === 'precondition_failed') {
      throw new AppError('state_changed', `The state "${key}" changed just before the write (S3 refused the conditional write). Nothing was written.`, { backend: backend.id, key });
    }
    changed.objectWritten = true;
    changed.newVersionId = put.versionId;

    if (backend.dynamodbTable) {
      const digest = await writeDigest(digestBackend, digestId, md5, seenDigest, hooks.test?.digestRetryDelayMs ?? 300);
      changed.digestUpdated = digest.ok;
      if (!digest.ok) digestFailure = digest.reason;
    }
  } catch (e) {
    failure = asAppError(e);
  }

  // Step 5: always give the lock back, whatever happened above.
  const release = await releaseLock(backend, key, held);
  changed.lockReleased = release.released;
  invalidateSnapshot(backend.id);
  invalidate('key-versions', `${backend.id}\u0000${key}\u0000`);
  hooks.note?.({ changed, releaseNotes: release.notes, digestBefore: previousDigest });

  const lockText = release.released
    ? 'The lock Lockboard took was released.'
    : `The lock Lockboard took (ID ${info.id}) could NOT be fully released: ${release.notes.join(' ')} Release it with: terraform force-unlock ${info.id}`;
  const common = { backend: backend.id, key, restoredFrom: input.versionId, lockId: info.id, changed, ...(release.released ? {} : { forceUnlock: `terraform force-unlock ${info.id}` }) };

  if (failure) {
    const what =
      changed.objectWritten === null
        ? 'Whether the new version was written could not be determined (check the version history).'
        : changed.objectWritten
          ? `The new version ${changed.newVersionId} WAS written.`
          : 'No object was written.';
    throw new AppError(failure.code, `${failure.message} ${what} ${lockText}`, { ...failure.details, ...common });
  }
  if (digestFailure !== null) {
    throw new AppError(
      'digest_not_updated',
      `Version ${input.versionId} was restored as the new version ${changed.newVersionId}, but the digest item "${digestId}" could not be set: ${digestFailure}. Until it holds ${md5}, Terraform fails with "state data in S3 does not have the expected content". Set Digest of "${digestId}" to ${md5} (the digest repair on the states page does it). ${lockText}`,
      { ...common, setDigestTo: md5, digestItem: digestId, newVersionId: changed.newVersionId },
    );
  }
  if (!release.released) {
    // The restore itself succeeded; the stuck lock is reported with the way out.
    throw new AppError('aws_error', `Version ${input.versionId} was restored as ${changed.newVersionId}, digest ${backend.dynamodbTable ? 'updated' : 'not used'}. ${lockText}`, common);
  }
  return {
    versionId: changed.newVersionId ?? '',
    serial: jsonSerial(plan.serial),
    digest: backend.dynamodbTable ? md5 : null,
    serialBumped: plan.serialBumped,
    restoredFrom: input.versionId,
    previousVersionId: checked.latest.versionId,
    previousSerial: jsonSerial(plan.currentSerial),
    lockId: info.id,
    warnings: release.notes.length > 0 ? [...plan.warnings, ...release.notes] : plan.warnings,
  };
}
