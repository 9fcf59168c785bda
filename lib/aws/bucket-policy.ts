import 'server-only';
/**
 * A bucket's policy, read to see whether Lockboard's own prefixes are protected from other writers
 * (lib/terraform/records-protection.ts). Best effort, with a deadline: a missing permission is "not
 * checked", a bucket without a policy is `null`.
 */
import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import type { BackendConfig } from '../server/config';
import { s3Client } from './clients';
import { sdkErrorName, toAwsError } from './errors';

const DEADLINE_MS = 5_000;
/** AWS caps a bucket policy at 20 KB; anything longer is not read. */
const MAX_POLICY_CHARS = 64 * 1024;

export type PolicyRead = { status: 'ok'; policy: string | null } | { status: 'not_checked'; reason: string };

export async function readBucketPolicy(backend: BackendConfig, bucket: string): Promise<PolicyRead> {
  try {
    const out = await s3Client(backend).send(new GetBucketPolicyCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(DEADLINE_MS) });
    const policy = out.Policy ?? null;
    if (policy !== null && policy.length > MAX_POLICY_CHARS) return { status: 'not_checked', reason: 'the policy is larger than AWS allows' };
    return { status: 'ok', policy };
  } catch (e) {
    const name = sdkErrorName(e);
    if (name === 'NoSuchBucketPolicy') return { status: 'ok', policy: null };
    const err = toAwsError(e, { backend: backend.id, service: 'S3', resource: bucket });
    if (err.code === 'aws_access_denied') return { status: 'not_checked', reason: 'AccessDenied (s3:GetBucketPolicy)' };
    if (name === 'AbortError' || name === 'TimeoutError') return { status: 'not_checked', reason: `no answer within ${DEADLINE_MS / 1000} s` };
    return { status: 'not_checked', reason: name };
  }
}
