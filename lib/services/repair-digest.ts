import 'server-only';
/**
 * Digest repair: make the `<bucket>/<key>-md5` item agree with the state object, as an operator
 * would by hand after a manual upload or a deleted state (protocol reference §4.3), but only if
 * nothing changed since they looked.
 *
 * - mismatch (or missing/malformed digest): download the object, hash it, and `PutItem` the MD5 with
 *   `ConditionExpression: Digest = :expected` (`attribute_not_exists(LockID)` when they saw none);
 * - orphan (no object, or a 0-byte one that Terraform reads as no state): `DeleteItem` the digest item
 *   with `Digest = :expected`.
 *
 * Right before the DynamoDB write, HeadObject with `If-Match` on the ETag (and the VersionId) read
 * checks the object is still the one hashed. Residual window, stated honestly: an object overwrite
 * landing in the few milliseconds between that check and the DynamoDB write is not seen. Terraform's
 * own writes cannot do harm there (it puts the object, then the digest unconditionally, so its digest
 * wins or our condition fails); only a hand upload that skips the digest could leave it mismatched,
 * exactly as it would have been without the repair, and the states page shows it.
 */
import crypto from 'node:crypto';
import { deleteDigestIfUnchanged, getTableItem, putDigestIfUnchanged } from '../aws/lock-table';
import { getObjectBytes, objectStillIs } from '../aws/state-bucket';
import type { BackendConfig } from '../server/config';
import type { RepairDigestResult } from '../api/digest';
import { AppError } from '../api/errors';
import { planDigestRepair } from '../terraform/digest-repair';
import { faults } from '../server/faults';
import { digestLockId } from '../terraform/paths';
import { assertStateKey } from './state-version';

export interface RepairDigestInput {
  key: string;
  /** The `Digest` value the operator saw (null: no digest item). */
  expected: string | null;
}

export type { RepairDigestResult } from '../api/digest';

export interface RepairContext {
  /** Adds facts to the audit record. */
  note?: (details: Record<string, unknown>) => void;
}

async function currentDigest(backend: BackendConfig, key: string): Promise<{ digest: string | null } | null> {
  const item = await getTableItem(backend, digestLockId(backend.bucket, key));
  return item === null ? null : { digest: item.digest };
}

function digestChanged(backend: BackendConfig, input: RepairDigestInput, message: string, current: { digest: string | null } | null): AppError {
  return new AppError('digest_changed', message, { backend: backend.id, key: input.key, expected: input.expected, current: { digest: current?.digest ?? null, exists: current !== null } });
}

export async function repairDigest(backend: BackendConfig, input: RepairDigestInput, ctx: RepairContext = {}): Promise<RepairDigestResult> {
  if (!backend.dynamodbTable) {
    throw new AppError('bad_request', `Backend "${backend.id}" has no DynamoDB table: Terraform keeps no digest for it, so there is nothing to repair.`, { backend: backend.id });
  }
  // A `.tflock`, a backup or any other object has no digest item: only state keys are repaired.
  assertStateKey(backend, input.key);
  const digestId = digestLockId(backend.bucket, input.key);
  const [current, object] = await Promise.all([currentDigest(backend, input.key), getObjectBytes(backend, input.key)]);
  const md5 = object ? crypto.createHash('md5').update(object.body).digest('hex') : null;
  const facts = object ? { etag: object.etag, versionId: object.versionId, size: object.body.byteLength } : null;
  ctx.note?.({ read: { digest: current?.digest ?? null, digestItem: current !== null, object: facts, md5 } });

  const plan = planDigestRepair({ expected: input.expected, current, object: object && md5 ? { size: object.body.byteLength, md5 } : null });
  if (plan.kind === 'changed') {
    throw digestChanged(backend, input, `The digest of "${input.key}" is no longer the one you saw (now ${plan.current ?? 'absent'}). Nothing was changed; look again.`, current);
  }
  if (plan.kind === 'nothing') {
    if (plan.why === 'nothing_there') throw new AppError('state_not_found', `There is neither a state object nor a digest item for "${input.key}".`, { backend: backend.id, key: input.key });
    throw new AppError('nothing_to_repair', `The digest of "${input.key}" already matches the state object: nothing to repair.`, { backend: backend.id, key: input.key, calculated: md5, digest: current?.digest ?? null });
  }

  await faults.at('digest:after-read');

  // The object must still be the one hashed (or still absent) right before the digest is written.
  const objectSame = await objectStillIs(backend, input.key, facts ? { etag: facts.etag, versionId: facts.versionId } : null);
  if (!objectSame) {
    throw digestChanged(backend, input, `The state object "${input.key}" changed while the repair was being prepared. Nothing was changed; look again.`, current);
  }

  const outcome = plan.kind === 'set' ? await putDigestIfUnchanged(backend, digestId, plan.digest, input.expected) : await deleteDigestIfUnchanged(backend, digestId, input.expected ?? '');
  if (outcome === 'condition_failed') {
    const now = await currentDigest(backend, input.key);
    throw digestChanged(backend, input, `The digest of "${input.key}" changed just before the repair (now ${now?.digest ?? 'absent'}). Nothing was changed; look again.`, now);
  }
  const result: RepairDigestResult = {
    repaired: true,
    key: input.key,
    action: plan.kind,
    digest: plan.kind === 'set' ? plan.digest : null,
    previous: input.expected,
    object: facts,
  };
  ctx.note?.({ action: result.action, digest: result.digest });
  return result;
}
