/**
 * The names discovery deals in, each rule once: AWS account IDs, IAM role names and external IDs,
 * region names, bucket names, the role ARN built from them, and the stable id of a discovered
 * backend. Pure: the configuration checks them at start-up, discovery and the decision store when
 * they read names back from AWS or S3.
 */
import { sha256Hex } from './sha256';

/** An AWS account ID: exactly 12 digits. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** An IAM role name (IAM's own rule: 1–64 of letters, digits and `+=,.@_-`). */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** An STS external ID (2–1224 of letters, digits and `+=,.@:/_-`). */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
/**
 * The shape of an AWS region name (`eu-west-1`, `us-gov-west-1`, `ap-southeast-5`). A name of this
 * shape may still not exist or not be enabled in an account: discovery then lists the region as
 * unreadable there, with the reason AWS gave.
 */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** An S3 general purpose bucket name (3–63 of lowercase letters, digits, `.` and `-`). */
export const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The AWS partition of a region: its ARNs start with `arn:<partition>:`. */
export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The ARN of the role discovery assumes in an account. */
export function discoveryRoleArn(accountId: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`;
}

/** The backend id of discovery's own records (decisions and their audit): never a backend of the views. */
export const ESTATE_ID = 'estate';

/** Backend ids: letters, digits, `-` and `_`, at most 63 characters (as the configuration requires). */
const MAX_ID = 63;
const HASH_LENGTH = 6;

/**
 * The stable id of a discovered backend: `<account>-<bucket, as letters, digits and dashes>-<hash>`,
 * the hash (6 hex of SHA-256 over account, region and bucket) keeping two ids apart when the
 * readable part is cut or two bucket names differ only in dots. The same account, region and
 * bucket always give the same id, on every replica and after every restart.
 */
export function discoveredBackendId(accountId: string, region: string, bucket: string): string {
  const hash = sha256Hex(`${accountId}/${region}/${bucket}`).slice(0, HASH_LENGTH);
  const room = MAX_ID - accountId.length - HASH_LENGTH - 2;
  const slug = bucket
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, room)
    .replace(/-+$/, '');
  return slug ? `${accountId}-${slug}-${hash}` : `${accountId}-${hash}`;
}
