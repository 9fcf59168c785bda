/**
 * Whether what Lockboard stores in S3 (audit records, freeze markers, alert claims, the index
 * manifest) is out of reach of other writers. Pure: given the buckets and the state bucket's policy.
 *
 * Everything Lockboard writes is signed, so a planted object is recognised as foreign; but whoever can
 * write a prefix can still overwrite or hide what is there. Two deployments keep the records safe:
 * a separate audit bucket (`auditBucket`) that Terraform roles cannot write, or a bucket-policy Deny of
 * `s3:PutObject` on Lockboard's prefixes for every principal but Lockboard's. IAM policies of other
 * roles cannot be read from here, so this is best effort: it reads the state bucket's policy and looks
 * for a Deny statement whose actions include `s3:PutObject` and whose resources cover each prefix
 * (whatever its Principal and Condition: typically "everyone but the Lockboard role").
 */
import type { PostureFinding } from './recovery-rules';

export interface LockboardPrefix {
  /** Key prefix in the state bucket, e.g. `lockboard-audit/prod/`. */
  prefix: string;
  /** What it holds, in words. */
  holds: string;
}

export interface RecordsProtection {
  stateBucket: string;
  auditBucket: string;
  /** The audit records and freeze markers are in a bucket of their own. */
  separateAuditBucket: boolean;
  /** Lockboard's prefixes in the state bucket; `denied`: a bucket-policy Deny covers writes to it (null: not checked). */
  prefixes: Array<LockboardPrefix & { denied: boolean | null }>;
  policy: { status: 'read' | 'none' | 'not_checked'; reason: string | null };
  /** `per_process`: no signing key is configured (records from other replicas and earlier runs read as foreign). */
  signingKey: 'configured' | 'per_process';
}

type Statement = { Effect?: unknown; Action?: unknown; Resource?: unknown };

function list(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** IAM-style wildcards (`*` any run, `?` one character), iteratively (no backtracking blow-up). */
export function wildcardMatches(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < t.length) {
    if (i < p.length && (p[i] === '?' || p[i] === t[j])) {
      i++;
      j++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < p.length && p[i] === '*') i++;
  return i === p.length;
}

/** For each prefix: whether a Deny statement of the policy covers `s3:PutObject` on a key under it. */
export function deniedWrites(policyJson: string, bucket: string, prefixes: string[]): boolean[] {
  let doc: unknown;
  try {
    doc = JSON.parse(policyJson);
  } catch {
    return prefixes.map(() => false);
  }
  const raw = typeof doc === 'object' && doc !== null ? (doc as { Statement?: unknown }).Statement : undefined;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Statement[];
  const denies = statements.filter((s) => typeof s === 'object' && s !== null && s.Effect === 'Deny' && list(s.Action).some((a) => wildcardMatches(a, 's3:PutObject', true)));
  return prefixes.map((prefix) => {
    const arn = `arn:aws:s3:::${bucket}/${prefix}lockboard-probe.json`;
    return denies.some((s) => list(s.Resource).some((r) => wildcardMatches(r.replace(/^arn:aws[a-z-]*:/, 'arn:aws:'), arn)));
  });
}

export function recordsProtection(input: {
  stateBucket: string;
  auditBucket: string;
  prefixes: LockboardPrefix[];
  policy: { status: 'ok'; policy: string | null } | { status: 'not_checked'; reason: string };
  signingKeyConfigured: boolean;
}): RecordsProtection {
  const { policy } = input;
  const denied = policy.status === 'ok' && policy.policy !== null ? deniedWrites(policy.policy, input.stateBucket, input.prefixes.map((p) => p.prefix)) : null;
  return {
    stateBucket: input.stateBucket,
    auditBucket: input.auditBucket,
    separateAuditBucket: input.auditBucket !== input.stateBucket,
    prefixes: input.prefixes.map((p, i) => ({ ...p, denied: policy.status === 'ok' ? (denied?.[i] ?? false) : null })),
    policy: policy.status === 'not_checked' ? { status: 'not_checked', reason: policy.reason } : { status: policy.policy === null ? 'none' : 'read', reason: null },
    signingKey: input.signingKeyConfigured ? 'configured' : 'per_process',
  };
}

/** The posture finding: are Lockboard's records out of reach of the Terraform roles? */
export function recordsFinding(p: RecordsProtection): PostureFinding {
  const open = p.prefixes.filter((x) => x.denied === false).map((x) => x.prefix);
  const key = p.signingKey === 'per_process' ? ' No signing key is configured: what other replicas or earlier runs wrote reads as "not written by Lockboard".' : '';
  const fix = `Set auditBucket to a bucket Terraform roles cannot write, and add a bucket-policy Deny of s3:PutObject on ${p.prefixes.map((x) => `${p.stateBucket}/${x.prefix}*`).join(', ')} for every principal but Lockboard's role (docs/iam.md).`;
  if (p.policy.status === 'not_checked' && !p.separateAuditBucket) {
    return { severity: 'info', code: 'records_protection_unknown', message: `Lockboard's audit records are in the state bucket ${p.stateBucket}; whether Terraform roles can write them was not checked (${p.policy.reason}). They are signed, so planted ones show as not written by Lockboard, but a writer can still overwrite or hide them.${key}`, fix };
  }
  if (open.length === 0) {
    const where = p.separateAuditBucket ? `Audit records and freeze markers are in their own bucket ${p.auditBucket}` : `A bucket-policy Deny covers writes to Lockboard's prefixes in ${p.stateBucket}`;
    const rest = p.separateAuditBucket && p.policy.status === 'not_checked' ? `; the alert claims and the index in ${p.stateBucket} are signed (not checked for a Deny: ${p.policy.reason})` : '';
    return { severity: p.signingKey === 'per_process' ? 'warning' : 'ok', code: 'records_protected', message: `${where}${rest}.${key}`, fix: p.signingKey === 'per_process' ? 'Set LOCKBOARD_SIGNING_KEY (at least 32 bytes, the same on every replica).' : '' };
  }
  const auditOpen = !p.separateAuditBucket;
  return {
    severity: auditOpen ? 'warning' : 'info',
    code: 'records_writable',
    message: `${auditOpen ? `The audit records are in the state bucket ${p.stateBucket}, which` : `The audit records are in ${p.auditBucket}; the state bucket ${p.stateBucket}`} has no bucket-policy Deny on ${open.join(', ')}: any role that can write states can also overwrite or hide ${auditOpen ? 'them' : 'the alert claims and index there'} (planted ones are recognised by their missing signature).${key}`,
    fix,
  };
}
