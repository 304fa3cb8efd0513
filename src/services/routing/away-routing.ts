import { listAway } from '../away/away-store.ts';
import type { CoreDeps } from '../ports.ts';

/** One routed approver who was away when the request was routed, and who (if anyone) was asked instead. */
export interface AwayNote {
  user: string;
  /** ISO time they are back. */
  until: string;
  delegate: string | null;
}

/** What routing around away approvers did; stored on the request (`routing_notes`) for the card. */
export interface RoutingNotes {
  away: AwayNote[];
  /** Without the away approvers nobody (or too few for the quorum) was left: everyone was asked. */
  everyoneAway: boolean;
}

export interface AwayRouting {
  /** Who may vote: the approvers present, then the delegates of the away ones. */
  approverIds: string[];
  /** Null when nobody routed was away. */
  notes: RoutingNotes | null;
}

/**
 * Skips away approvers (pure; `away` maps each away user to their delegate and return time). An away
 * approver is replaced by their delegate unless the delegate is away too, is the requester, or there
 * is none: then the rest of the list answers. The requester is never added (self-approval stays
 * refused; they stay in the list only if routing put them there, as before). When what is left cannot
 * reach `requiredApprovals` (everyone away), everyone routed is asked, with the usable delegates,
 * and the notes say so. Order is kept: the present approvers first, delegates where they stood.
 */
export function skipAwayApprovers(
  approverIds: readonly string[],
  away: ReadonlyMap<string, { until: Date; delegateId: string | null }>,
  options: { requesterId: string; requiredApprovals: number },
): AwayRouting {
  const notes: AwayNote[] = [];
  const kept: string[] = [];
  const delegates: string[] = [];
  for (const id of approverIds) {
    const status = away.get(id);
    if (status === undefined || id === options.requesterId) {
      kept.push(id);
      continue;
    }
    const delegate = status.delegateId;
    const usable = delegate !== null && delegate !== options.requesterId && !away.has(delegate) ? delegate : null;
    notes.push({ user: id, until: status.until.toISOString(), delegate: usable });
    if (usable !== null) delegates.push(usable);
  }
  if (notes.length === 0) return { approverIds: [...approverIds], notes: null };
  const routed = [...new Set([...kept, ...delegates])];
  const eligible = routed.filter((id) => id !== options.requesterId);
  if (eligible.length >= Math.max(1, options.requiredApprovals)) {
    return { approverIds: routed, notes: { away: notes, everyoneAway: false } };
  }
  // Nobody to ask (or too few): a rule never ends with nobody. Everyone routed, and their delegates.
  return {
    approverIds: [...new Set([...approverIds, ...delegates])],
    notes: { away: notes, everyoneAway: true },
  };
}

/**
 * Routes `approverIds` (user ids, groups already expanded) around whoever is away now: reads the
 * away statuses of the approvers and their delegates, then {@link skipAwayApprovers}. Reusable for
 * any list of approvers (a rule's, a stage's, an escalation level's).
 */
export async function routeAroundAway(
  deps: Pick<CoreDeps, 'db'>,
  approverIds: readonly string[],
  options: { requesterId: string; requiredApprovals: number; now: Date },
): Promise<AwayRouting> {
  if (approverIds.length === 0) return { approverIds: [], notes: null };
  const rows = await listAway(deps.db, options.now, approverIds);
  if (rows.length === 0) return { approverIds: [...approverIds], notes: null };
  // Delegates' own statuses decide whether they can stand in.
  const delegateIds = rows.flatMap((row) => (row.delegateId === null ? [] : [row.delegateId]));
  const delegatesAway = delegateIds.length === 0 ? [] : await listAway(deps.db, options.now, delegateIds);
  const away = new Map(
    [...rows, ...delegatesAway].map((row) => [row.slackUserId, { until: row.awayUntil, delegateId: row.delegateId }]),
  );
  return skipAwayApprovers(approverIds, away, options);
}

/**
 * A new request's route with its away approvers skipped (see {@link routeAroundAway}), and the notes
 * to store on the request. Routes that decide by themselves (auto-approve, auto-deny) ask nobody.
 */
export async function routeRequestAroundAway<
  R extends { approverIds: string[]; requiredApprovals: number; outcome: string },
>(
  deps: Pick<CoreDeps, 'db'>,
  route: R,
  requesterId: string,
  now: Date,
): Promise<{ route: R; routingNotes: RoutingNotes | null }> {
  if (route.outcome !== 'require_approval') return { route, routingNotes: null };
  const routed = await routeAroundAway(deps, route.approverIds, {
    requesterId,
    requiredApprovals: route.requiredApprovals,
    now,
  });
  return { route: { ...route, approverIds: routed.approverIds }, routingNotes: routed.notes };
}
