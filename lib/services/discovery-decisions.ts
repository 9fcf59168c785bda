import 'server-only';
/**
 * Accepted and ignored proposals, shared by every replica and kept across restarts: one object per
 * decision in the decisions bucket (lib/aws/discovery-store.ts). Each replica lists them at start-up
 * and every {@link REFRESH_MS} (a listing; only objects whose ETag changed are read again), so a
 * decision made on one replica is followed by the others within that time.
 *
 * A decision holds the backend as it was accepted, so an accepted backend is watched from start-up,
 * before discovery has run, and while its account cannot be read. What a stored decision may name is
 * checked against the configuration: its id must be the one its account, region and bucket give, the
 * account one discovery searches, the region a configured one; the role assumed is always
 * `watchRoleName` in that account (a decision cannot name a role). Decisions are signed
 * (lib/server/signing.ts, purpose `discovery-decision`, bound to their object key): one Lockboard did
 * not write (or another deployment's, or one copied to another key) is reported and not used, like an
 * object that fails the checks above.
 */
import { z } from 'zod';
import { listDecisionObjects, readDecisionObject, writeDecisionObject } from '../aws/discovery-store';
import { estateHome } from '../server/backends';
import { mapLimit } from '../server/concurrency';
import { getConfig } from '../server/config';
import { foreignReason, keyRing, signJson, verifyJson, type KeyRing } from '../server/signing';
import type { DiscoveryConfig } from '../server/config-discovery';
import { toAppError } from '../server/errors';
import { BUCKET_NAME_PATTERN, discoveredBackendId, ESTATE_ID } from '../terraform/discovery-names';
import type { DiscoveryFinding } from '../terraform/discovery-rules';

/** How often a replica lists the decisions (a decision made elsewhere is followed within this). */
export const REFRESH_MS = 30_000;

const decidedBackendSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  accountName: z.string().max(256).nullable(),
  region: z.string().max(40),
  bucket: z.string().regex(BUCKET_NAME_PATTERN),
  dynamodbTable: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/).nullable(),
  useLockfile: z.boolean(),
  workspaceKeyPrefix: z.string().max(200).refine((v) => !v.startsWith('/') && !v.endsWith('/')),
});

const decisionDocSchema = z.object({
  version: z.literal(1),
  backendId: z.string().max(63),
  decision: z.enum(['accepted', 'ignored']),
  backend: decidedBackendSchema,
  by: z.string().max(256),
  at: z.string().max(40),
  reason: z.string().max(2000),
  auditId: z.string().max(128),
});

export type DecidedBackend = z.infer<typeof decidedBackendSchema>;
export type DecisionDoc = z.infer<typeof decisionDocSchema>;
export interface StoredDecision extends DecisionDoc {
  etag: string;
}

interface DecisionsState {
  byId: Map<string, StoredDecision>;
  /** Object key → the ETag read and what it held (or why it is not usable), so unchanged ones are not read again. */
  read: Map<string, { etag: string; id: string | null; problem: string | null }>;
  findings: DiscoveryFinding[];
  loadedAt: number | null;
}

const stateKey = Symbol.for('lockboard.discoveryDecisions');

function state(): DecisionsState {
  const holder = globalThis as unknown as Record<symbol, DecisionsState | undefined>;
  holder[stateKey] ??= { byId: new Map(), read: new Map(), findings: [], loadedAt: null };
  return holder[stateKey];
}

export function decisionKey(d: DiscoveryConfig, backendId: string): string {
  return `${d.decisionsPrefix}decisions/${backendId}.json`;
}

/** Why a stored decision may not be used (null: it may). */
export function decisionProblem(doc: DecisionDoc, d: DiscoveryConfig): string | null {
  const b = doc.backend;
  if (doc.backendId !== discoveredBackendId(b.accountId, b.region, b.bucket)) return `its id ${doc.backendId} is not the one account ${b.accountId}, region ${b.region} and bucket ${b.bucket} give`;
  if (Array.isArray(d.accounts) && !d.accounts.includes(b.accountId)) return `account ${b.accountId} is not one discovery searches`;
  if (!d.regions.includes(b.region)) return `region ${b.region} is not a configured region`;
  return null;
}

function unreadable(message: string): DiscoveryFinding {
  return { severity: 'warning', code: 'decisions_unreadable', accountId: '', region: null, resource: null, message, fix: 'Check the decisions bucket and Lockboard’s s3:ListBucket / s3:GetObject / s3:PutObject on its prefix (docs/iam.md).' };
}

/** Parses one stored object (null and a reason when it is not a usable decision: not signed by this deployment, or not a valid one). */
export function parseDecision(text: string, etag: string, objectKey: string, d: DiscoveryConfig, ring: KeyRing = keyRing()): { decision: StoredDecision | null; problem: string | null } {
  const { verification, body } = verifyJson('discovery-decision', objectKey, text, ring);
  if (verification !== 'signed') return { decision: null, problem: foreignReason(verification) };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { decision: null, problem: 'not JSON' };
  }
  const parsed = decisionDocSchema.safeParse(json);
  if (!parsed.success) return { decision: null, problem: `not a decision (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message ?? ''})` };
  const problem = decisionProblem(parsed.data, d);
  return problem ? { decision: null, problem } : { decision: { ...parsed.data, etag }, problem: null };
}

/** Lists the decisions and reads the ones that changed. A failed listing keeps the last known ones (and says so). */
export async function refreshDecisions(): Promise<void> {
  const d = getConfig().discovery;
  if (!d) return;
  const st = state();
  const home = estateHome();
  const findings: DiscoveryFinding[] = [];
  try {
    const { refs, complete } = await listDecisionObjects(home, `${d.decisionsPrefix}decisions/`);
    if (!complete) findings.push(unreadable(`More than ${refs.length} decision objects: the rest were not read.`));
    const present = new Set(refs.map((r) => r.key));
    for (const key of [...st.read.keys()]) if (!present.has(key)) st.read.delete(key);
    const changed = refs.filter((r) => st.read.get(r.key)?.etag !== r.etag);
    await mapLimit(changed, 8, async (ref) => {
      const got = await readDecisionObject(home, ref.key);
      const parsed = got ? parseDecision(got.body, got.etag, ref.key, d) : { decision: null, problem: 'too large or gone' };
      st.read.set(ref.key, { etag: got?.etag ?? ref.etag, id: parsed.decision?.backendId ?? null, problem: parsed.problem });
      if (parsed.decision) st.byId.set(parsed.decision.backendId, parsed.decision);
    });
    const ids = new Set([...st.read.values()].flatMap((r) => (r.id ? [r.id] : [])));
    for (const id of [...st.byId.keys()]) if (!ids.has(id)) st.byId.delete(id);
    // An unusable object stays reported while it is there.
    for (const [key, r] of st.read) if (r.problem) findings.push(unreadable(`s3://${home.bucket}/${key} is not used: ${r.problem}.`));
    st.findings = findings;
    st.loadedAt = Date.now();
  } catch (e) {
    st.findings = [unreadable(`The decisions could not be listed (the last known ones are used): ${toAppError(e, 'decisions listing failed').message}`)];
  }
}

export function currentDecisions(): ReadonlyMap<string, StoredDecision> {
  return state().byId;
}

export function decisionFindings(): DiscoveryFinding[] {
  return state().findings;
}

/**
 * Writes a decision, conditional on what the operator saw (`seenEtag` null: no decision yet).
 * `{ written: false }` when another decision was stored meanwhile (the caller answers 409).
 */
export async function storeDecision(doc: DecisionDoc, seenEtag: string | null): Promise<{ written: true; decision: StoredDecision } | { written: false }> {
  const d = getConfig().discovery;
  if (!d) throw new Error('discovery is off');
  const home = estateHome();
  const key = decisionKey(d, doc.backendId);
  const out = await writeDecisionObject(home, key, signJson('discovery-decision', key, JSON.stringify(doc)), seenEtag === null ? { create: true } : { ifMatch: seenEtag });
  if (!out.written) {
    // Learn what is there now, for the conflict's answer.
    const now = await readDecisionObject(home, key);
    const parsed = now ? parseDecision(now.body, now.etag, key, d) : null;
    if (parsed?.decision) state().byId.set(parsed.decision.backendId, parsed.decision);
    return { written: false };
  }
  const decision: StoredDecision = { ...doc, etag: out.etag };
  state().byId.set(doc.backendId, decision);
  state().read.set(key, { etag: out.etag, id: doc.backendId, problem: null });
  return { written: true, decision };
}

/** Tests only: forget what was read (a new replica). */
export function resetDecisionsForTests(): void {
  const st = state();
  st.byId.clear();
  st.read.clear();
  st.findings = [];
  st.loadedAt = null;
}

export { ESTATE_ID };
