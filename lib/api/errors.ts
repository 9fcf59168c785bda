/**
 * The one error contract shared by server and browser: a code per failure, its HTTP status, a
 * message a person can act on, and optional details. Route handlers turn it into JSON; the browser
 * rebuilds it with `AppError.fromJson`.
 */

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  unsupported_media_type: 415,
  payload_too_large: 413,
  not_found: 404,
  backend_not_found: 404,
  lock_not_found: 404,
  state_not_found: 404,
  version_not_found: 404,
  lock_changed: 409,
  digest_changed: 409,
  nothing_to_repair: 409,
  state_changed: 409,
  locked: 409,
  lineage_mismatch: 422,
  not_versioned: 422,
  unsupported_encryption: 422,
  digest_not_updated: 502,
  table_not_found: 502,
  bucket_not_found: 502,
  aws_access_denied: 502,
  aws_error: 502,
  aws_throttled: 503,
  aws_unreachable: 503,
  audit_unavailable: 503,
  config_invalid: 500,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorJson {
  code: ErrorCode;
  message: string;
  backend?: string;
  [detail: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJson(): ErrorJson {
    return { ...this.details, code: this.code, message: this.message };
  }

  static fromJson(json: unknown, fallbackStatus = 500): AppError {
    const body = (json && typeof json === 'object' && 'error' in json ? (json as { error: unknown }).error : json) as Partial<ErrorJson> | null;
    if (body && typeof body.code === 'string' && body.code in ERROR_STATUS && typeof body.message === 'string') {
      const { code, message, ...details } = body;
      return new AppError(code as ErrorCode, message, details);
    }
    return new AppError(fallbackStatus >= 500 ? 'internal' : 'bad_request', `Unexpected response (HTTP ${fallbackStatus}).`);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
