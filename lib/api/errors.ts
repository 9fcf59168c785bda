/**
 * The one error contract shared by server and browser: a code per failure, its HTTP status, a
 * message a person can act on, and details typed per code. Route handlers turn it into JSON
 * (`{"error":{code,message,...details}}`); the browser rebuilds it with `AppError.fromJson`, and
 * narrowing on `error.code` types `error.details`:
 *
 *   if (error.code === 'lock_changed') error.details.current // Lock | null
 *
 * Browser-safe: types only from lib/terraform (pure), no server-only import.
 */
import type { Lock, LockSource } from '../terraform/locks';
import type { RestoreChanged } from './restore';
import type { EstateDecision } from './estate';

/** What a restore reports it did when it failed part-way (declared with the restore contract). */
export type { RestoreChanged } from './restore';

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  unsupported_media_type: 415,
  payload_too_large: 413,
  not_found: 404,
  misdirected_request: 421,
  backend_not_found: 404,
  lock_not_found: 404,
  state_not_found: 404,
  version_not_found: 404,
  lock_changed: 409,
  digest_changed: 409,
  nothing_to_repair: 409,
  state_changed: 409,
  decision_changed: 409,
  locked: 409,
  lineage_mismatch: 422,
  not_versioned: 422,
  unsupported_encryption: 422,
  state_too_large: 422,
  digest_not_updated: 502,
  table_not_found: 502,
  bucket_not_found: 502,
  aws_access_denied: 502,
  aws_error: 502,
  aws_throttled: 503,
  aws_unreachable: 503,
  aws_timeout: 504,
  audit_unavailable: 503,
  busy: 503,
  rate_limited: 429,
  config_invalid: 500,
  internal: 500,
  // Client-only: the browser could not reach Lockboard itself (never sent by the server).
  network_error: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * Facts any error may carry on top of its code's own details: the backend and state key it is
 * about, and, for a mutation that may have partly happened (restore), what it changed.
 */
export interface CommonDetails {
  backend?: string;
  key?: string;
  restoredFrom?: string;
  /** ID of the lock Lockboard took for the change. */
  lockId?: string;
  changed?: RestoreChanged;
  /** The command that releases a lock Lockboard could not release. */
  forceUnlock?: string;
}

/** No details of its own (CommonDetails still apply). */
type NoDetails = Record<never, never>;

/** An AWS call failed: which one and the SDK's error name (or the socket-level reason). */
export interface AwsDetails {
  backend: string;
  service: 'DynamoDB' | 'S3' | 'SNS' | 'SQS' | 'DynamoDB Streams' | 'STS' | 'Organizations';
  /** The table or bucket (and key) the call was about. */
  resource: string;
  awsError: string;
}

export type RefusalReason = 'read_only' | 'not_operator' | 'not_allowed' | 'cross_site' | 'cross_origin' | 'content_type';

/** The details of each code, as sent in the JSON body next to `code` and `message`. */
export interface ErrorDetailsMap {
  bad_request: { problems?: string[]; backend?: string; key?: string; versionId?: string; prefix?: string; count?: number };
  unauthorized: NoDetails;
  /** `keys`: a multi-item request's keys the caller may not change (the first 50; `key` is the first). */
  forbidden: { reason: Exclude<RefusalReason, 'content_type'>; role?: string; keys?: string[] };
  /** The request's Host is not one Lockboard serves (DNS rebinding guard). */
  misdirected_request: { reason: 'host_not_allowed' };
  unsupported_media_type: { reason: 'content_type' };
  payload_too_large: { limitBytes?: number };
  not_found: NoDetails;
  backend_not_found: { backend: string };
  lock_not_found: { backend: string; key: string };
  state_not_found: { backend?: string; key?: string };
  version_not_found: { backend: string; key: string; versionId: string };
  /** The lock is no longer the one the operator saw; `current` is the lock now held (null: none). */
  lock_changed: { backend: string; key: string; current: Lock | null; currentLocks: Lock[]; released: LockSource[] };
  digest_changed: { backend: string; key: string; expected: string | null; current: { digest: string | null; exists: boolean } };
  /** The digest already matches the state object: `calculated` is the object's MD5, `digest` the item's. */
  nothing_to_repair: { backend: string; key: string; calculated: string | null; digest: string | null };
  state_changed: { backend?: string; key?: string; expectedCurrentVersionId?: string; currentVersionId?: string | null };
  /** A discovered backend's decision is no longer the one the operator saw; `current` is the one stored now (null: none). */
  decision_changed: { backend: string; key: string; current: EstateDecision | null };
  /** Someone holds a lock on the state (restore refused). */
  /** `holder`: who holds the lock (the full lock when it was listed, else its LockInfo fields). */
  locked: { backend: string; key: string; holder: Pick<Lock, 'who' | 'operation' | 'created' | 'info'> | null; locks?: Lock[]; outcome?: string };
  lineage_mismatch: { backend: string; key: string; versionId?: string };
  not_versioned: { backend: string; key: string; versioning: string | null };
  unsupported_encryption: { backend: string; key: string; versionId: string };
  /**
   * A version is beyond what one diff or metadata read may take on this replica: larger than `limit`
   * bytes (`size`), nested deeper than `limit` levels (`depth`), needing more than `limit` MB of heap
   * (`memory`) or more than `limit` ms (`time`). Nothing else on the replica was affected.
   */
  state_too_large: { backend?: string; key?: string; operation: 'diff' | 'metadata'; reason: 'size' | 'depth' | 'memory' | 'time'; limit: number; versionId?: string };
  digest_not_updated: { backend: string; key: string; setDigestTo: string; digestItem: string; newVersionId: string | null };
  table_not_found: AwsDetails;
  bucket_not_found: AwsDetails;
  aws_access_denied: AwsDetails;
  aws_error: AwsDetails | NoDetails;
  aws_throttled: AwsDetails;
  aws_unreachable: AwsDetails;
  aws_timeout: AwsDetails;
  audit_unavailable: { backend: string; auditBucket: string };
  /**
   * Too many diffs/raw downloads at once on this replica (`scope: 'replica'`, `limit` = its
   * `maxHeavyReads`) or by this caller (`scope: 'caller'`, `limit` = what one caller may hold); retry
   * after `retryAfterSeconds`.
   */
  busy: { limit: number; retryAfterSeconds: number; scope?: 'replica' | 'caller' };
  /** This caller asked too often (e.g. test messages); retry after `retryAfterSeconds`. */
  rate_limited: { limit: number; retryAfterSeconds: number };
  config_invalid: NoDetails;
  internal: NoDetails;
  network_error: NoDetails;
}

export type ErrorDetails<C extends ErrorCode = ErrorCode> = ErrorDetailsMap[C] & CommonDetails;

/**
 * The details as read: the code's own, plus whatever else a body carried (a field not declared for
 * the code reads as `unknown`, never as a made-up type).
 */
export type ReadDetails<C extends ErrorCode = ErrorCode> = ErrorDetails<C> & { readonly [detail: string]: unknown };

/** The details argument: required when the code has required details, optional otherwise. */
type DetailsArg<C extends ErrorCode> = NoDetails extends ErrorDetailsMap[C] ? [details?: ErrorDetails<C>] : [details: ErrorDetails<C>];

/** The JSON body's `error` for one code (a union over all codes when C is not narrowed). */
export type ErrorJson<C extends ErrorCode = ErrorCode> = C extends ErrorCode ? { code: C; message: string } & ErrorDetails<C> : never;

const INTERNAL_MESSAGE = 'Internal error; the server log has the details.';

class TypedAppError<C extends ErrorCode> extends Error {
  readonly code: C;
  readonly details: ReadDetails<C>;

  constructor(code: C, message: string, ...[details]: DetailsArg<C>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = (details ?? {}) as ReadDetails<C>;
  }

  /** `instanceof AppError` narrows to the union, so `code` narrows `details`. */
  static [Symbol.hasInstance](value: unknown): value is AppError {
    return Function.prototype[Symbol.hasInstance].call(TypedAppError, value);
  }

  /** The HTTP status (for the client-only `network_error`: 503, as if Lockboard were unavailable). */
  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJson(): ErrorJson<C> {
    return { ...this.details, code: this.code, message: this.message } as ErrorJson<C>;
  }

  /**
   * The same failure (same code and details) with another message and more common facts — for a
   * mutation that reports what it did on top of what failed.
   */
  restate(message: string, more: CommonDetails = {}): AppError<C> {
    return new TypedAppError<C>(this.code, message, ...([{ ...this.details, ...more }] as DetailsArg<C>)) as AppError<C>;
  }

  /**
   * Rebuilds an error from a response body (`{"error":{...}}` or the inner object). Anything that is
   * not one of our codes becomes `internal` (5xx) or `bad_request` (4xx) saying what came back.
   */
  static fromJson(json: unknown, fallbackStatus = 500): AppError {
    const body = json && typeof json === 'object' && 'error' in json ? (json as { error: unknown }).error : json;
    if (body && typeof body === 'object') {
      const { code, message, ...details } = body as Record<string, unknown>;
      if (isErrorCode(code) && code !== 'network_error' && typeof message === 'string') {
        // The server is ours: its details for this code have this code's shape.
        return new TypedAppError(code, message, details as never) as AppError;
      }
    }
    return new TypedAppError(fallbackStatus >= 500 ? 'internal' : 'bad_request', `Unexpected response (HTTP ${fallbackStatus}).`) as AppError;
  }

  /** A thrown value as an AppError, without logging: AppErrors unchanged, anything else `internal`. */
  static from(value: unknown, message = INTERNAL_MESSAGE): AppError {
    return value instanceof AppError ? value : (new TypedAppError('internal', message) as AppError);
  }
}

/**
 * An AppError of code C; without C, the union over all codes, so that checking `code` narrows
 * `details`. Construct with `new AppError(code, message, details)`.
 */
export type AppError<C extends ErrorCode = ErrorCode> = C extends ErrorCode ? TypedAppError<C> : never;
export const AppError = TypedAppError;

export const INTERNAL_ERROR_MESSAGE = INTERNAL_MESSAGE;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
