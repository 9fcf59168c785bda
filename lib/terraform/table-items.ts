/**
 * Classifies the items of a Terraform lock table. Which attribute is present decides (lock: `Info`,
 * digest: `Digest`), not the `-md5` suffix, as the protocol reference advises.
 */
import { DIGEST_SUFFIX } from './paths';
import type { DynamoLockRecord } from './locks';

/** One table item reduced to the attributes Terraform writes, as plain strings (null: absent / not S). */
export interface TableItem {
  lockId: string;
  info: string | null;
  /** An `Info` attribute of another type (number, map, NULL…), as canonical JSON of the attribute. */
  infoJson?: string;
  digest: string | null;
}

export interface DigestRecord {
  lockId: string;
  digest: string;
}

export interface ClassifiedItems {
  locks: DynamoLockRecord[];
  digests: DigestRecord[];
}

export function classifyTableItems(items: TableItem[]): ClassifiedItems {
  const locks: DynamoLockRecord[] = [];
  const digests: DigestRecord[] = [];
  for (const item of items) {
    if (item.info !== null) locks.push({ lockId: item.lockId, info: item.info });
    else if (item.infoJson !== undefined) locks.push({ lockId: item.lockId, info: null, infoJson: item.infoJson });
    else if (item.digest !== null) digests.push({ lockId: item.lockId, digest: item.digest });
    // Neither attribute: an empty digest item stays a (malformed) digest, anything else a malformed lock.
    else if (item.lockId.endsWith(DIGEST_SUFFIX)) digests.push({ lockId: item.lockId, digest: '' });
    else locks.push({ lockId: item.lockId, info: null });
  }
  return { locks, digests };
}
