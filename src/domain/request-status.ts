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

/** The statuses an approved request's grant ends in: spent, or ended unused. */
export const GRANT_END_STATUSES = ['executed', 'revoked', 'lapsed'] as const satisfies readonly RequestStatus[];

export type GrantEndStatus = (typeof GRANT_END_STATUSES)[number];

/** Whether the request was approved and its grant has since ended (executed, revoked or lapsed). */
export function isGrantEnd(status: RequestStatus): status is GrantEndStatus {
  return (GRANT_END_STATUSES as readonly RequestStatus[]).includes(status);
}

/**
 * The status a request was decided with: `approved` for a grant that has since ended, else the
 * status itself. Decision notices and summaries render this, whatever happened to the grant after.
 */
export function decidedStatus(status: RequestStatus): RequestStatus {
  return isGrantEnd(status) ? 'approved' : status;
}

/** A status nothing can leave. */
export function isFinal(status: RequestStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

export const RISKS = ['low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];
