import 'server-only';
/**
 * Are Lockboard's own records out of reach of the Terraform roles? (lib/terraform/records-protection.ts)
 * Read for the recovery posture of each backend, and logged once at start-up.
 */
import { CLAIM_PREFIX } from '../aws/event-claims';
import { readBucketPolicy } from '../aws/bucket-policy';
import { auditFolder } from '../audit/audit-record';
import { getConfig, type BackendConfig } from '../server/config';
import { logger } from '../server/logger';
import { FREEZE_MARKER_ROOT } from '../terraform/freeze-lock';
import { INDEX_ROOT } from '../terraform/inventory-index';
import { recordsFinding, recordsProtection, type LockboardPrefix, type RecordsProtection } from '../terraform/records-protection';

/** Lockboard's prefixes in the backend's state bucket (audit records and freeze markers only without an audit bucket). */
export function lockboardPrefixes(backend: BackendConfig): LockboardPrefix[] {
  const config = getConfig();
  const id = encodeURIComponent(backend.id);
  const inStateBucket = (config.auditBucket ?? backend.bucket) === backend.bucket;
  return [
    ...(inStateBucket
      ? [
          { prefix: auditFolder(config.auditPrefix, backend.id), holds: 'audit records' },
          { prefix: `${FREEZE_MARKER_ROOT}${id}/`, holds: 'freeze markers' },
        ]
      : []),
    { prefix: `${CLAIM_PREFIX}${backend.id}/`, holds: 'alert claims' },
    { prefix: `${INDEX_ROOT}${id}/`, holds: 'the inventory index' },
  ];
}

export async function readRecordsProtection(backend: BackendConfig): Promise<RecordsProtection> {
  const config = getConfig();
  return recordsProtection({
    stateBucket: backend.bucket,
    auditBucket: config.auditBucket ?? backend.bucket,
    prefixes: lockboardPrefixes(backend),
    policy: await readBucketPolicy(backend, backend.bucket),
    signingKeyConfigured: config.signing.key !== null,
  });
}

/** Start-up: one log line per backend saying whether its records are protected (best effort, never throws). */
export function logRecordsProtection(): void {
  for (const backend of getConfig().backends) {
    void readRecordsProtection(backend)
      .then((p) => {
        const f = recordsFinding(p);
        const fields = { backend: backend.id, code: f.code, auditBucket: p.auditBucket, policy: p.policy.status, fix: f.fix || undefined };
        if (f.severity === 'warning') logger.warn(`WARNING: ${f.message}`, fields);
        else logger.info(f.message, fields);
      })
      .catch((e: unknown) => logger.warn('records protection not checked', { backend: backend.id, error: e }));
  }
}
