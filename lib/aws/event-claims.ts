import 'server-only';
/**
 * Event claims: exactly-once delivery across replicas. Before sending an event, a replica writes
 * `lockboard-events/<backend>/<event id>.json` in the backend's own bucket with `If-None-Match: *`;
 * only the replica whose write succeeds sends it, then overwrites the claim with the outcome (If-Match
 * on its own ETag). A claim left unfinished (the winner died, or delivery failed) can be taken over
 * after its lease with a write conditional on the ETag read, so again only one replica wins.
 * Only Get/Put on that prefix: nothing is deleted.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { BackendConfig } from '../server/config';
import { s3Client } from './clients';
import { isConditionFailed, isNotFound, toAwsError } from './errors';
import { unquoteEtag } from './state-bucket';

export const CLAIM_PREFIX = 'lockboard-events/';
const CLAIM_TIMEOUT_MS = 5_000;
/** Claim bodies are small; anything bigger is not ours. */
const MAX_CLAIM_BYTES = 64 * 1024;

export function claimKey(backendId: string, eventId: string): string {
  return `${CLAIM_PREFIX}${backendId}/${eventId}.json`;
}

export type ClaimWrite = { won: true; etag: string } | { won: false };

function target(backend: BackendConfig, key: string) {
  return { backend: backend.id, service: 'S3' as const, resource: `s3://${backend.bucket}/${key}` };
}

/**
 * Writes the claim: `If-None-Match: *` for a new claim, `If-Match: <etag>` to take over or update one.
 * `{ won: false }` when another replica got there first; a refused or failed write throws a typed error.
 */
export async function writeClaim(backend: BackendConfig, eventId: string, body: string, condition: { ifNoneMatch: true } | { ifMatch: string }): Promise<ClaimWrite> {
  const key = claimKey(backend.id, eventId);
  try {
    const out = await s3Client(backend).send(
      new PutObjectCommand({
        Bucket: backend.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        ...('ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: `"${condition.ifMatch}"` }),
      }),
      { abortSignal: AbortSignal.timeout(CLAIM_TIMEOUT_MS) },
    );
    return { won: true, etag: unquoteEtag(out.ETag) };
  } catch (e) {
    // 412 (someone else's claim, or it changed since read); 409 ConditionalRequestConflict: a concurrent write.
    if (isConditionFailed(e) || (e as { name?: string }).name === 'ConditionalRequestConflict') return { won: false };
    throw toAwsError(e, target(backend, key));
  }
}

/** The claim's body and ETag, or null when there is none. */
export async function readClaim(backend: BackendConfig, eventId: string): Promise<{ body: string; etag: string } | null> {
  const key = claimKey(backend.id, eventId);
  try {
    const out = await s3Client(backend).send(new GetObjectCommand({ Bucket: backend.bucket, Key: key }), { abortSignal: AbortSignal.timeout(CLAIM_TIMEOUT_MS) });
    if ((out.ContentLength ?? 0) > MAX_CLAIM_BYTES) return { body: '{}', etag: unquoteEtag(out.ETag) };
    return { body: out.Body ? await out.Body.transformToString('utf-8') : '', etag: unquoteEtag(out.ETag) };
  } catch (e) {
    if (isNotFound(e)) return null;
    throw toAwsError(e, target(backend, key));
  }
}
