import 'server-only';
/**
 * An operator accepts (watch it) or ignores a discovered backend. Authorised, confirmed and audited
 * by the route (operator on `estate`, key = the backend id); here: the decision is stored only if
 * the one stored is still the one the operator saw (none, or its ETag), else 409
 * `decision_changed` with what is there now; then the registry follows at once on this replica
 * (others follow at their next listing of the decisions).
 */
import { AppError } from '../api/errors';
import type { EstateDecision, EstateDecisionBody, EstateDecisionResult } from '../api/estate';
import { getConfig } from '../server/config';
import { ESTATE_ID } from '../terraform/discovery-names';
import { currentDecisions, storeDecision, type DecidedBackend, type StoredDecision } from './discovery-decisions';
import { applyRegistry, lastRun } from './discovery';

export interface DecisionContext {
  user: string;
  auditId: string;
  note: (details: Record<string, unknown>) => void;
}

export function estateDecisionOf(d: StoredDecision): EstateDecision {
  return { decision: d.decision, by: d.by, at: d.at, reason: d.reason, etag: d.etag };
}

function changed(backendId: string, current: StoredDecision | undefined): AppError {
  const now = current ? `${current.decision} by ${current.by} at ${current.at}` : 'not decided';
  return new AppError('decision_changed', `The decision on ${backendId} changed since it was shown (now: ${now}); nothing was written. Look again and decide on what is there now.`, {
    backend: ESTATE_ID,
    key: backendId,
    current: current ? estateDecisionOf(current) : null,
  });
}

export async function decideProposal(input: EstateDecisionBody, ctx: DecisionContext): Promise<EstateDecisionResult> {
  const config = getConfig();
  if (!config.discovery) throw new AppError('backend_not_found', 'Discovery is not configured.', { backend: ESTATE_ID });
  const found = lastRun()?.backends.find((b) => b.id === input.key);
  const existing = currentDecisions().get(input.key);
  const spec: DecidedBackend | null = found
    ? { accountId: found.accountId, accountName: found.accountName, region: found.region, bucket: found.bucket, dynamodbTable: found.dynamodbTable, useLockfile: found.useLockfile, workspaceKeyPrefix: found.workspaceKeyPrefix }
    : (existing?.backend ?? null);
  if (!spec) throw new AppError('backend_not_found', `No discovered backend "${input.key}": discovery has not found it (yet), and nobody decided on it.`, { backend: input.key });
  if (config.backends.some((b) => b.bucket === spec.bucket)) throw new AppError('bad_request', `Bucket ${spec.bucket} is a configured backend already: there is nothing to decide.`, { backend: input.key });
  if ((existing?.etag ?? null) !== input.seen.etag) throw changed(input.key, existing);
  const decision = input.decision === 'accept' ? 'accepted' : 'ignored';
  const out = await storeDecision({ version: 1, backendId: input.key, decision, backend: spec, by: ctx.user, at: new Date().toISOString(), reason: input.reason, auditId: ctx.auditId }, input.seen.etag);
  if (!out.written) throw changed(input.key, currentDecisions().get(input.key));
  ctx.note({ decision, etag: out.decision.etag, accountId: spec.accountId, region: spec.region, bucket: spec.bucket, dynamodbTable: spec.dynamodbTable, previous: existing ? { decision: existing.decision, by: existing.by, etag: existing.etag } : null });
  applyRegistry();
  return { backendId: input.key, decision: estateDecisionOf(out.decision), auditId: ctx.auditId };
}
