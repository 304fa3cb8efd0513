import type { CoreDeps } from '../ports.ts';

/** One routed approver who was away when the request was routed, and who (if anyone) was asked instead. */
export interface AwayNote {
  user: string;
  /** ISO time they are back. */
  until: string;
  delegate: string | null;
  /** Multi-stage chains: the stage (0-based) they were routed to. */
  stage?: number;
}

/** What routing around away approvers did; stored on the request (`routing_notes`) for the card. */
export interface RoutingNotes {
  away: AwayNote[];
  /** Without the away approvers nobody (or too few for the quorum) was left: everyone was asked. */
  everyoneAway: boolean;
  /** Multi-stage chains: the stages (0-based) left short of their quorum, where everyone was asked. */
  everyoneAwayStages?: number[];
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
  options: {
    requesterId: string;
    requiredApprovals: number;
    /** People who may not stand in here (e.g. routed to another stage of the chain). */
    notDelegates?: ReadonlySet<string>;
  },
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
    const usable =
      delegate !== null &&
      delegate !== options.requesterId &&
      !away.has(delegate) &&
      !(options.notDelegates?.has(delegate) ?? false)
        ? delegate
        : null;
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

/** Who of `userIds` is away at `now`, with their delegates' own statuses (whether they can stand in). No I/O (away-now.ts). */
function awayStatuses(
  deps: Pick<CoreDeps, 'away'>,
  userIds: readonly string[],
  now: Date,
): Map<string, { until: Date; delegateId: string | null }> {
  if (userIds.length === 0) return new Map();
  const rows = deps.away.statusesOf(userIds, now);
  if (rows.length === 0) return new Map();
  const delegateIds = rows.flatMap((row) => (row.delegateId === null ? [] : [row.delegateId]));
  const delegatesAway = delegateIds.length === 0 ? [] : deps.away.statusesOf(delegateIds, now);
  return new Map(
    [...rows, ...delegatesAway].map((row) => [row.slackUserId, { until: row.awayUntil, delegateId: row.delegateId }]),
  );
}

/**
 * Routes `approverIds` (user ids, groups already expanded) around whoever is away now: reads the
 * away statuses of the approvers and their delegates, then {@link skipAwayApprovers}. Reusable for
 * any list of approvers (a rule's, an escalation level's; a chain's stages use {@link routeStagesAroundAway}).
 */
export async function routeAroundAway(
  deps: Pick<CoreDeps, 'away'>,
  approverIds: readonly string[],
  options: { requesterId: string; requiredApprovals: number; now: Date },
): Promise<AwayRouting> {
  const away = awayStatuses(deps, approverIds, options.now);
  if (away.size === 0) return { approverIds: [...approverIds], notes: null };
  return skipAwayApprovers(approverIds, away, options);
}

/**
 * A multi-stage chain routed around away approvers, stage by stage (pure): in each stage an away
 * approver is replaced by their delegate, as {@link skipAwayApprovers} does for a flat list, and a
 * stage that would fall below its quorum asks everyone in it. One person counts in at most one stage,
 * so a delegate already routed to another stage (or standing in there) does not stand in here. The
 * notes say which stage each away approver belonged to and which stages asked everyone.
 */
export function skipAwayInStages(
  stages: readonly { approverIds: readonly string[]; requiredApprovals: number }[],
  away: ReadonlyMap<string, { until: Date; delegateId: string | null }>,
  requesterId: string,
): { stageApprovers: string[][]; notes: RoutingNotes | null } {
  const routedPeople = stages.map((stage) => new Set(stage.approverIds));
  const standingIn = new Set<string>();
  const notes: AwayNote[] = [];
  const everyoneAwayStages: number[] = [];
  const stageApprovers = stages.map((stage, index) => {
    const notDelegates = new Set(standingIn);
    for (const [other, people] of routedPeople.entries()) {
      if (other !== index) for (const id of people) notDelegates.add(id);
    }
    const routed = skipAwayApprovers(stage.approverIds, away, {
      requesterId,
      requiredApprovals: stage.requiredApprovals,
      notDelegates,
    });
    if (routed.notes !== null) {
      notes.push(...routed.notes.away.map((note) => ({ ...note, stage: index })));
      if (routed.notes.everyoneAway) everyoneAwayStages.push(index);
    }
    for (const id of routed.approverIds) if (!routedPeople[index]?.has(id)) standingIn.add(id);
    return routed.approverIds;
  });
  if (notes.length === 0) return { stageApprovers, notes: null };
  return {
    stageApprovers,
    notes: { away: notes, everyoneAway: everyoneAwayStages.length === stages.length, everyoneAwayStages },
  };
}

/** A chain's stages (approvers expanded) routed around whoever is away now: {@link skipAwayInStages}. */
export async function routeStagesAroundAway(
  deps: Pick<CoreDeps, 'away'>,
  stages: readonly { approverIds: readonly string[]; requiredApprovals: number }[],
  options: { requesterId: string; now: Date },
): Promise<{ stageApprovers: string[][]; notes: RoutingNotes | null }> {
  const away = awayStatuses(
    deps,
    stages.flatMap((stage) => stage.approverIds),
    options.now,
  );
  if (away.size === 0) return { stageApprovers: stages.map((stage) => [...stage.approverIds]), notes: null };
  return skipAwayInStages(stages, away, options.requesterId);
}

/**
 * A new request's route with its away approvers skipped (see {@link routeAroundAway}), and the notes
 * to store on the request. Routes that decide by themselves (auto-approve, auto-deny) ask nobody.
 */
export async function routeRequestAroundAway<
  R extends { approverIds: string[]; requiredApprovals: number; outcome: string },
>(
  deps: Pick<CoreDeps, 'away'>,
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
