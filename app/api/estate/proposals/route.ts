import { ESTATE_DECISION_BODY_LIMIT, estateDecisionBodySchema } from '@/lib/api/estate';
import { mutationRoute } from '@/lib/http/mutation-route';
import { estateHome } from '@/lib/server/backends';
import { decideProposal } from '@/lib/services/discovery-decide';
import { ESTATE_ID } from '@/lib/terraform/discovery-names';

export const dynamic = 'force-dynamic';

/**
 * Accept or ignore a discovered backend (operators). Made and audited in discovery's record home
 * (`estate`, the decisions bucket), authorised as operator on key = the backend's id there.
 */
const decide = mutationRoute({
  route: '/api/estate/proposals',
  action: 'discovery-decision',
  schema: estateDecisionBodySchema,
  maxBodyBytes: ESTATE_DECISION_BODY_LIMIT,
  backendOf: () => estateHome(),
  audit: (body) => ({ key: body.key, reason: body.reason, seen: { decision: body.decision, etag: body.seen.etag } }),
  run: (body, ctx) => decideProposal(body, ctx),
});

export const POST = (request: Request) => decide(request, { params: Promise.resolve({ id: ESTATE_ID }) });
