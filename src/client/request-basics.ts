/** The request's basic vocabulary, shared by the request and rule types. */

/** Every status a request can be in; `pending` is the only one a decision can still change. */
export type RequestStatus =
  | 'pending'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'cancelled'
  | 'executed'
  | 'revoked'
  | 'lapsed';

/** How risky the requester says the action is; routing rules may match on it. */
export type Risk = 'low' | 'medium' | 'high' | 'critical';

/** A context value: what the approval is bound to besides action, resource and environment. */
export type ContextValue = string | number | boolean;
