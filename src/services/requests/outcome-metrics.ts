import { parseActorKey } from '../../domain/actor.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { RequestRow } from './store/reads.ts';

/** The `rule` label of requests the default route took (no rule matched). */
export const DEFAULT_ROUTE_LABEL = '(default)';

/** Statuses a request reaches by leaving pending: a decision, whose time to decide is measured. */
const DECIDED = new Set(['approved', 'denied', 'expired', 'cancelled']);

type OutcomeMetrics = Pick<Metrics, 'requestsCreated' | 'decisions' | 'timeToDecision'>;

/** Who caused the status a request has now, as a label: user, service, rule or system. */
function deciderOf(request: RequestRow): string {
  switch (request.status) {
    case 'executed':
      // Only the API client that owns the request can spend its grant.
      return 'service';
    case 'revoked':
    case 'lapsed':
      return request.grantEndedBy === null ? 'system' : parseActorKey(request.grantEndedBy).type;
    default:
      return request.decidedBy === null ? 'system' : parseActorKey(request.decidedBy).type;
  }
}

/**
 * Counts a request just created (committed, not an idempotent replay), and — when a rule decided it
 * at once — that decision too (no time to decide is recorded for it).
 */
export function countCreated(metrics: OutcomeMetrics, request: RequestRow): void {
  const outcome =
    request.status === 'pending' ? 'require_approval' : request.status === 'approved' ? 'auto_approve' : 'auto_deny';
  metrics.requestsCreated.inc({ source: request.source, outcome, rule: request.ruleName ?? DEFAULT_ROUTE_LABEL });
  if (request.status !== 'pending') metrics.decisions.inc({ outcome: request.status, decider: 'rule' });
}

/**
 * Counts the status each changed request has just reached. Effects get a request that is not
 * pending only right after the change that moved it there (a vote short of quorum leaves it
 * pending), so each status is counted once per request.
 */
export function countChanged(metrics: OutcomeMetrics, requests: RequestRow[]): void {
  for (const request of requests) {
    if (request.status === 'pending') continue;
    const decider = deciderOf(request);
    metrics.decisions.inc({ outcome: request.status, decider });
    if (DECIDED.has(request.status) && request.decidedAt !== null && decider !== 'rule') {
      const seconds = (request.decidedAt.getTime() - request.createdAt.getTime()) / 1000;
      metrics.timeToDecision.observe({ outcome: request.status }, Math.max(0, seconds));
    }
  }
}
