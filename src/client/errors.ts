import type { FieldErrorJson } from './types.ts';

/**
 * Why a call to Greenlight failed: the service's own `{ error: { code, message, fields } }` with its
 * HTTP status, or, when no answer came at all, code `unreachable` with status 0. Callers branch on
 * `code`; `retryAfter` (seconds) is set when the service said when to try again.
 */
export class GreenlightError extends Error {
  constructor(
    /** The HTTP status, or 0 when the service did not answer. */
    readonly status: number,
    /** The service's error code (`validation_failed`, `not_found`, `revoked` …), `unreachable` or `bad_response`. */
    readonly code: string,
    message: string,
    /** Field-level problems of a refused body; empty otherwise. */
    readonly fields: FieldErrorJson[] = [],
    /** Seconds the service asked the caller to wait before retrying, or null. */
    readonly retryAfter: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GreenlightError';
  }

  /** Whether no answer came (connection refused, DNS, timeout), as opposed to the service refusing. */
  get unreachable(): boolean {
    return this.code === 'unreachable';
  }
}

/**
 * A grant token that must not be acted on: bad signature, unknown key, wrong type, expired, or a
 * bound claim that differs from what the caller expected. `claim` names which (`signature`, `kid`,
 * `typ`, `alg`, `exp`, `nbf`, `iss`, `aud`, `sub`, `action`, `resource`, `environment`, `params_hash`).
 */
export class GrantVerificationError extends Error {
  constructor(
    readonly claim: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GrantVerificationError';
  }
}
