import 'server-only';
/**
 * Event claims: exactly-once delivery across replicas. Before sending an event, a replica writes
 * `lockboard-events/<backend>/<event id>.json` in the backend's own bucket with `If-None-Match: *`;
 * only the replica whose write succeeds sends it, then overwrites the claim with the outcome (If-Match
 * on its own ETag). A claim left unfinished (the winner died, or delivery failed) can be taken over
 * after its lease with a write conditional on the ETag read, so again only one replica wins.
 * Only Get/Put on that prefix: nothing is deleted.
 *
 * Claims are signed (lib/server/signing.ts): anyone who can write the bucket can put objects here, and
 * a planted `done` claim must not silence an alert. A claim that is not signed with this deployment's
 * key, is too large to be one (never downloaded) or is unreadable is `foreign`: not trusted.
 */
import type { BackendConfig } from '../server/config';
import { foreignReason, signJson, verifyJson } from '../server/signing';
import { getCappedObject, putJsonObject } from './lockboard-objects';

export const CLAIM_PREFIX = 'lockboard-events/';
const CLAIM_TIMEOUT_MS = 5_000;
/** A claim is a few KiB (one line per channel, each detail cut to 300 characters); a bigger object is not one. */
export const MAX_CLAIM_BYTES = 32 * 1024;

export function claimKey(backendId: string, eventId: string): string {
  return `${CLAIM_PREFIX}${backendId}/${eventId}.json`;
}

export type ClaimWrite = { won: true; etag: string } | { won: false };

/** A stored claim: Lockboard's own (`body`: its JSON without the signature), or foreign (not trusted), with the ETag to take it over. */
export type ClaimRead = { status: 'ours'; body: string; etag: string } | { status: 'foreign'; reason: string; etag: string };

/**
 * Writes the claim, signed: `If-None-Match: *` for a new claim, `If-Match: <etag>` to take over or update
 * one. `{ won: false }` when another replica got there first; a refused or failed write throws a typed error.
 */
export async function writeClaim(backend: BackendConfig, eventId: string, body: string, condition: { ifNoneMatch: true } | { ifMatch: string }): Promise<ClaimWrite> {
  const key = claimKey(backend.id, eventId);
  // 412 (someone else's claim, or it changed since read); 409 ConditionalRequestConflict: a concurrent write.
  const out = await putJsonObject(backend, backend.bucket, key, signJson('alert-claim', key, body), condition, CLAIM_TIMEOUT_MS);
  return out.written ? { won: true, etag: out.etag } : { won: false };
}

/** The claim (bounded read, signature checked), or null when there is none. */
export async function readClaim(backend: BackendConfig, eventId: string): Promise<ClaimRead | null> {
  const key = claimKey(backend.id, eventId);
  const read = await getCappedObject(backend, backend.bucket, key, MAX_CLAIM_BYTES, CLAIM_TIMEOUT_MS);
  if (read.status === 'missing') return null;
  if (read.status === 'too_large') return { status: 'foreign', reason: `${read.bytes ?? 'over'} ${MAX_CLAIM_BYTES} bytes: too large to be a claim (not read)`, etag: read.etag };
  const { verification, body } = verifyJson('alert-claim', key, read.text);
  return verification === 'signed' ? { status: 'ours', body, etag: read.etag } : { status: 'foreign', reason: foreignReason(verification), etag: read.etag };
}
