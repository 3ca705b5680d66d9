// One error type for expected failures. Each code maps to exactly one HTTP status in ERROR_STATUS;
// the error handler turns an AppError into RFC 9457 problem+json. Anything that is not an AppError
// is a bug and answers 500 without detail.

export const ERROR_STATUS = {
  /** The request is malformed or fails schema validation (field errors attached). */
  validation_failed: 400,
  /** No or invalid credentials. */
  unauthenticated: 401,
  /** Authenticated, but this action needs a fresher re-authentication (step-up). */
  step_up_required: 401,
  /** Authenticated, but the role or token scope lacks the permission. */
  forbidden: 403,
  /** CSRF token missing or wrong on a cookie-authenticated state change. */
  csrf_failed: 403,
  /** The object does not exist in the caller's organization (also used for other tenants' objects). */
  not_found: 404,
  /** The action conflicts with the object's state (e.g. editing an issued invoice). */
  conflict: 409,
  /** An Idempotency-Key was reused with a different request. */
  idempotency_mismatch: 422,
  /** The request is well formed but violates a business rule. */
  unprocessable: 422,
  /** Too many attempts; retry later. */
  rate_limited: 429,
  /** Request body too large. */
  payload_too_large: 413,
  /** The request line or a path parameter is too long. */
  uri_too_long: 414,
  /** The request body's Content-Type is not one this route accepts. */
  unsupported_media_type: 415,
  /** The request headers are too large. */
  headers_too_large: 431,
  /** The client did not send a complete request in time. */
  request_timeout: 408,
  /** A dependency (SMTP, provider) failed. */
  upstream_failed: 502,
  /** Unexpected server fault; no detail leaves the server. */
  internal: 500,
  /** Stored data failed authentication (tampered, moved or undecryptable ciphertext); never answered with wrong data. */
  integrity_failed: 500,
  /** The data's master key is not configured in this process (configuration, not corruption): restart it with that key. */
  key_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly fieldErrors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { cause?: unknown; fieldErrors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    // An expected error (4xx) is answered, never logged with a stack: capturing one is most of
    // what a refused request of a flood would cost.
    const stackTraceLimit = Error.stackTraceLimit;
    if (ERROR_STATUS[code] < 500) Error.stackTraceLimit = 0;
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.fieldErrors = opts.fieldErrors;
    this.headers = opts.headers;
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
export const conflict = (message: string): AppError => new AppError('conflict', message);
export const unprocessable = (message: string, fieldErrors?: FieldError[]): AppError =>
  new AppError('unprocessable', message, fieldErrors ? { fieldErrors } : {});
export const forbidden = (message = 'You do not have permission to do this'): AppError =>
  new AppError('forbidden', message);
