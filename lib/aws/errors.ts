/**
 * Maps AWS SDK failures to Lockboard's typed errors, naming the backend and the resource at fault.
 */
import { AppError, type AwsDetails } from '../api/errors';
import { asAppError } from '../server/errors';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
]);

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'KMS.AccessDeniedException',
]);

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
/** The endpoint accepted the connection (or never completed it) but did not answer within the deadline. */
const TIMED_OUT = new Set(['TimeoutError', 'RequestTimeout', 'ETIMEDOUT']);

export function sdkErrorName(e: unknown): string {
  const err = (e ?? {}) as SdkErrorShape;
  return err.name ?? err.code ?? 'Error';
}

export function isThrottling(e: unknown): boolean {
  const err = (e ?? {}) as SdkErrorShape;
  return THROTTLING.has(sdkErrorName(e)) || err.$metadata?.httpStatusCode === 429 || err.$metadata?.httpStatusCode === 503 && sdkErrorName(e) === 'SlowDown';
}

export function isConditionFailed(e: unknown): boolean {
  const name = sdkErrorName(e);
  const status = (e as SdkErrorShape | null)?.$metadata?.httpStatusCode;
  return name === 'ConditionalCheckFailedException' || name === 'PreconditionFailed' || status === 412;
}

export function isNotFound(e: unknown): boolean {
  const name = sdkErrorName(e);
  const status = (e as SdkErrorShape | null)?.$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion' || status === 404;
}

/** The socket-level reason (ECONNREFUSED, …) buried in a network failure, when there is one. */
function networkCode(e: unknown, depth = 0): string | null {
  if (!e || typeof e !== 'object' || depth > 4) return null;
  const err = e as SdkErrorShape & { cause?: unknown; errors?: unknown[] };
  if (err.code && UNREACHABLE.has(err.code)) return err.code;
  for (const inner of [...(err.errors ?? []), err.cause]) {
    const code = networkCode(inner, depth + 1);
    if (code) return code;
  }
  return null;
}

/** True for an attempt that ran out of its deadline (the SDK's requestTimeout, a socket timeout), also when wrapped. */
export function isTimeout(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 4) return false;
  const err = e as SdkErrorShape & { cause?: unknown };
  return TIMED_OUT.has(sdkErrorName(e)) || (err.code !== undefined && TIMED_OUT.has(err.code)) || (err.cause !== e && isTimeout(err.cause, depth + 1));
}

function isUnreachable(e: unknown): boolean {
  const err = (e ?? {}) as SdkErrorShape & { cause?: unknown; errors?: unknown[] };
  if (UNREACHABLE.has(sdkErrorName(e))) return true;
  if (err.code && UNREACHABLE.has(err.code)) return true;
  // Node wraps refused connections to several addresses in an AggregateError.
  if (Array.isArray(err.errors) && err.errors.some(isUnreachable)) return true;
  return err.cause !== undefined && err.cause !== e && isUnreachable(err.cause);
}

export interface AwsTarget {
  backend: string;
  service: 'DynamoDB' | 'S3' | 'SNS' | 'SQS' | 'DynamoDB Streams' | 'STS' | 'Organizations';
  /** The table or bucket (and key) the call was about. */
  resource: string;
}

/** A typed AppError for any failure of an AWS call. AppErrors (of any bundle: recognised by name and code) pass through. */
export function toAwsError(e: unknown, target: AwsTarget): AppError {
  const known = asAppError(e);
  if (known) return known;
  const name = sdkErrorName(e);
  const detail: AwsDetails = { backend: target.backend, service: target.service, resource: target.resource, awsError: name };
  // A notification channel's call (SNS) belongs to no backend: not named as one.
  const where = `${target.service} ${target.resource}${target.backend ? ` (backend "${target.backend}")` : ''}`;
  const endpoint = `The ${target.service} endpoint${target.backend ? ` for backend "${target.backend}"` : ''}`;
  if (isTimeout(e)) {
    return new AppError('aws_timeout', `${endpoint} did not answer in time (${where}); Lockboard gave up after its deadline and retries. Check the endpoint and the network path (VPC endpoint, proxy).`, detail);
  }
  if (isUnreachable(e)) {
    const reason = networkCode(e) ?? name;
    return new AppError('aws_unreachable', `${endpoint} cannot be reached (${reason}).`, { ...detail, awsError: reason });
  }
  if (isThrottling(e)) return new AppError('aws_throttled', `${where}: AWS is throttling requests (${name}); retried with back-off, try again shortly.`, detail);
  // A 403 that is not about permissions: the object sits in an archive storage class (Glacier).
  if (name === 'InvalidObjectState') return new AppError('aws_error', `${where}: the object is archived (InvalidObjectState); restore it before it can be read.`, detail);
  if (ACCESS_DENIED.has(name) || (e as SdkErrorShape)?.$metadata?.httpStatusCode === 403)
    return new AppError('aws_access_denied', `${where}: access denied (${name}). Check the IAM policy of Lockboard's role.`, detail);
  if (name === 'ResourceNotFoundException') return new AppError('table_not_found', `DynamoDB table ${target.resource} does not exist (backend "${target.backend}").`, detail);
  if (name === 'NoSuchBucket') return new AppError('bucket_not_found', `S3 bucket ${target.resource} does not exist (backend "${target.backend}").`, detail);
  const message = (e as SdkErrorShape)?.message;
  return new AppError('aws_error', `${where}: ${name}${message && message !== name ? `: ${message}` : ''}`, detail);
}
