/** Stable error codes; the HTTP status of each lives here and nowhere else. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** The grant was already spent. */
  already_executed: 409,
  /** The grant was revoked before it was used. */
  revoked: 409,
  /** The grant's window passed unused. */
  lapsed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  /** A grant token that is not this request's current grant: altered, expired, for another request, or unknown key. */
  invalid_grant: 422,
  rate_limited: 429,
  internal: 500,
  /** A request changed by many at once: nothing was written, the caller may retry at once. */
  busy: 503,
  not_ready: 503,
  unavailable: 503,
  not_configured: 503,
  slack_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A field-level problem, reported in a 400 body as `{ path, message }`. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error whose message is safe to show to the caller. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}
