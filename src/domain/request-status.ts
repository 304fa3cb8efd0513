/**
 * The request state machine: every status and the transitions allowed out of it. Every status write
 * goes through services/requests/transition.ts, which checks this table.
 */
export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'denied',
  'expired',
  'cancelled',
  'executed',
  'revoked',
  'lapsed',
] as const;

export type RequestStatus = (typeof REQUEST_STATUSES)[number];

const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  pending: ['approved', 'denied', 'expired', 'cancelled'],
  approved: ['executed', 'revoked', 'lapsed'],
  denied: [],
  expired: [],
  cancelled: [],
  executed: [],
  revoked: [],
  lapsed: [],
};

/** Whether `from → to` is an edge of the state machine. */
export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A status nothing can leave. */
export function isFinal(status: RequestStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

export const RISKS = ['low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];
