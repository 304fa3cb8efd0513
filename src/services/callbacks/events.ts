import { REQUEST_STATUSES, type RequestStatus } from '../../domain/request-status.ts';
import type { RequestRow } from '../requests/store/reads.ts';

/** A status whose reaching sends a callback: every status but `pending`. */
export type CallbackStatus = Exclude<RequestStatus, 'pending'>;

/** The statuses whose reaching sends a callback, derived from the state machine's list. */
export const CALLBACK_STATUSES: readonly CallbackStatus[] = REQUEST_STATUSES.filter(
  (status): status is CallbackStatus => status !== 'pending',
);

/** Whether reaching `status` sends a callback. */
export function isCallbackStatus(status: RequestStatus): status is CallbackStatus {
  return (CALLBACK_STATUSES as readonly string[]).includes(status);
}

/** The callback's `type`: `request.<status>` for the change it reports. */
export function callbackEventType(status: CallbackStatus): `request.${CallbackStatus}` {
  return `request.${status}`;
}

/**
 * The Standard Webhooks message id: one per request and status, so every retry of a delivery carries
 * the same `webhook-id` and receivers can drop repeats.
 */
export function callbackMessageId(requestId: string, status: CallbackStatus): string {
  return `msg_${requestId}_${status}`;
}

/**
 * Whether a request wants callbacks now: an API client's request (callbacks are signed per client)
 * with a URL, whose receiver has not answered 410 Gone.
 */
export function wantsCallbacks(
  request: Pick<RequestRow, 'apiClientId' | 'callbackUrl' | 'callbacksStoppedAt'>,
): boolean {
  return request.apiClientId !== null && request.callbackUrl !== null && request.callbacksStoppedAt === null;
}

/**
 * When the change a callback reports happened, read from the row: the decision, the execution or the
 * grant's end. Stable across retries; `null` only for a row that never reached `status`.
 */
export function changedAt(
  request: Pick<RequestRow, 'decidedAt' | 'executedAt' | 'grantEndedAt'>,
  status: CallbackStatus,
): Date | null {
  if (status === 'executed') return request.executedAt;
  if (status === 'revoked' || status === 'lapsed') return request.grantEndedAt;
  return request.decidedAt;
}
