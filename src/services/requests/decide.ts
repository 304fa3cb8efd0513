import type { Actor } from '../../domain/actor.ts';
import { checkEligibility, checkStageEligibility, stageProgress, tally } from '../../domain/decision.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { type AuditInput, recordAudit } from '../audit/audit.ts';
import { auditRefusal } from '../audit/refusal.ts';
import { issueGrantFor } from '../grants/for-request.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import { requestStageProgress, requestStages, stageChangeEvents, stageName } from './stages.ts';
import type { RequestRow } from './store/reads.ts';
import { type NewVote, writeRequestChange } from './store/transitions.ts';
import { transition } from './transition.ts';

export interface DecisionInput {
  requestId: string;
  userId: string;
  decision: 'approve' | 'deny';
  reason?: string | null;
}

export type DecideResult =
  /** The vote counted; `status` is where the request stands after it (still pending below quorum). */
  | { kind: 'recorded'; request: RequestRow; status: 'approved' | 'denied' | 'pending' }
  /** `stage`: with stages, the stage that refused the vote (the voter's, not started; or the current one). */
  | { kind: 'refused'; request: RequestRow; reason: DecisionRefusal; stage?: number }
  | { kind: 'late'; request: RequestRow }
  /** The route requires approvers to give a reason, and none was given: ask for one. */
  | { kind: 'reason_required'; request: RequestRow }
  | { kind: 'not_found' };

/**
 * Why a vote is refused. With stages (stages.ts), also: `stage_not_started` (the voter's stage comes
 * later) and `not_in_current_stage` (their stage is done and they are not in the current one).
 */
export type DecisionRefusal =
  | 'self_approval'
  | 'not_an_approver'
  | 'already_voted'
  | 'stage_not_started'
  | 'not_in_current_stage';

export type PrecheckResult =
  | { kind: 'ok'; request: RequestRow }
  | Exclude<DecideResult, { kind: 'recorded' } | { kind: 'reason_required' }>;

/**
 * Records an approver's Approve or Deny. The request row is locked for the transaction and the
 * transition is conditional on its status, so double clicks, an approve racing a deny or the
 * expiry, and the same click on two instances all end in exactly one outcome. Refusals and late
 * clicks are audited and change nothing else.
 */
export async function decide(deps: CoreDeps, input: DecisionInput): Promise<DecideResult> {
  const { result, announce } = await recordDecision(deps, input);
  await announce();
  return result;
}

/** A decision written to PostgreSQL, and what announces it (the queued card update and what follows it). */
export interface Recorded<T> {
  result: T;
  /** Queues the follow-ups the change is owed (card update, timers, notices), after the commit. */
  announce: () => Promise<void>;
}

/**
 * `decide` in two steps: the transaction alone, then (when the caller chooses) the queued
 * follow-ups. A Slack button acks between the two, so its ack waits on the commit and not on Redis.
 */
export async function recordDecision(deps: CoreDeps, input: DecisionInput): Promise<Recorded<DecideResult>> {
  const actor: Actor = { type: 'user', id: input.userId };
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked, now): Promise<DecideResult> => {
    if (locked === null) return { kind: 'not_found' };
    const { request } = locked;
    expiredNow = locked.expiredNow;
    const refusal = await screen(tx, request, input);
    if (refusal !== null) return refusal;
    if (input.decision === 'approve' && request.requireReason && !input.reason?.trim()) {
      return { kind: 'reason_required', request };
    }
    const reason = input.reason ?? null;
    const chain = requestStageProgress(request);
    // With stages, the vote counts for the stage deciding now (screen checked the voter belongs to it).
    const stage = chain === null ? null : chain.current;
    const vote: NewVote = { voterId: input.userId, decision: input.decision, reason, stage, createdAt: now };
    const voteEvent: AuditInput = {
      requestId: request.id,
      type: 'vote.recorded',
      actor,
      details: {
        decision: input.decision,
        reason,
        ...(chain === null ? {} : { stage, stageName: stageName(chain, stage) }),
      },
    };
    const voted: RequestRow = {
      ...request,
      votes: [...request.votes, { voterId: input.userId, decision: input.decision, reason, stage, createdAt: now }],
    };
    const after = chain === null ? null : stageProgress(chain.stages, voted.votes);
    const status = after?.status ?? tally(voted.votes, request.requiredApprovals);
    const stageEvents = chain === null || after === null ? [] : stageChangeEvents(request.id, chain, after);
    if (status === 'pending') {
      // Bump the version so the card re-renders with the progress toward quorum (and the stage now deciding).
      const currentStage = after?.current ?? request.currentStage;
      // A stage that starts is owed approver DMs of its own (APPROVER_DMS, available first): re-armed here,
      // with the stage change, so the timer (approvers-notify, one id per stage) cannot be lost.
      const dms = currentStage > request.currentStage && deps.config.APPROVER_DMS ? approverDmsFrom(now) : {};
      // The vote, the version bump and their events in one statement (store/transitions.ts).
      const moved = await writeRequestChange(tx, {
        requestId: request.id,
        from: 'pending',
        columns: { currentStage, ...dms },
        at: now,
        vote,
        events: [voteEvent, ...stageEvents],
      });
      if (!moved) throw new Error(`request ${request.id} changed concurrently (a vote while pending)`);
      return { kind: 'recorded', request: { ...voted, ...dms, currentStage, version: voted.version + 1 }, status };
    }
    const grant = status === 'approved' ? await issueGrantFor(deps, tx, voted, now) : undefined;
    const decided = await transition(
      tx,
      voted,
      status,
      { at: now, actor, reason, ...(grant ? { grant } : {}) },
      [voteEvent, ...stageEvents],
      vote,
    );
    return { kind: 'recorded', request: decided, status };
  });
  const announce = async () => {
    if (result.kind === 'recorded' || (result.kind === 'late' && expiredNow)) {
      await deps.effects.requestsChanged([result.request]);
    }
  };
  return { result, announce };
}

/** Approver DMs owed from `now` (notify-approvers.ts), none sent yet and nobody left to tell later. */
function approverDmsFrom(now: Date) {
  return {
    approversNotifyAt: now,
    approversNotifiedAt: null,
    notifyLaterIds: [],
    notifyLaterAt: null,
    notifiedLaterAt: null,
  } satisfies Partial<RequestRow>;
}

/**
 * Runs the decision checks without voting, e.g. before opening the Deny modal, so an ineligible
 * user is told at once. `decide` checks everything again on submit. Refusals are audited, and a
 * request's audit chain is only written under its row lock.
 */
export async function precheckDecision(deps: CoreDeps, input: Omit<DecisionInput, 'reason'>): Promise<PrecheckResult> {
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked): Promise<PrecheckResult> => {
    if (locked === null) return { kind: 'not_found' };
    expiredNow = locked.expiredNow;
    return (await screen(tx, locked.request, input)) ?? { kind: 'ok', request: locked.request };
  });
  if (expiredNow && result.kind !== 'not_found') await deps.effects.requestsChanged([result.request]);
  return result;
}

/**
 * The checks every decision passes before a vote is written: the request is still pending, the user
 * is a routed approver and not the requester, and has not voted yet. A failed check is audited
 * (`decision.late` / `decision.refused`) and returned; null means the user may decide.
 */
async function screen(
  tx: Prisma.TransactionClient,
  request: RequestRow,
  input: Omit<DecisionInput, 'reason'>,
): Promise<Extract<DecideResult, { kind: 'refused' | 'late' }> | null> {
  const actor: Actor = { type: 'user', id: input.userId };
  if (request.status !== 'pending') {
    await recordAudit(tx, {
      requestId: request.id,
      type: 'decision.late',
      actor,
      details: { decision: input.decision, status: request.status },
    });
    return { kind: 'late', request };
  }
  const stages = requestStages(request);
  let reason: DecisionRefusal | null;
  let refusedStage: number | undefined;
  if (stages !== null) {
    // A chain: only the current stage's approvers vote, each person once (domain/decision.ts).
    const check = checkStageEligibility({
      userId: input.userId,
      requesterId: request.requesterSlackId,
      stages,
      votes: request.votes,
    });
    reason = check.verdict === 'eligible' ? null : check.verdict;
    if ('stage' in check && check.verdict !== 'eligible') refusedStage = check.stage;
  } else {
    const eligibility = checkEligibility({
      userId: input.userId,
      requesterId: request.requesterSlackId,
      approverIds: request.approverIds,
    });
    reason =
      eligibility !== 'eligible'
        ? eligibility
        : request.votes.some((vote) => vote.voterId === input.userId)
          ? 'already_voted'
          : null;
  }
  if (reason === null) return null;
  await auditRefusal(tx, {
    requestId: request.id,
    type: 'decision.refused',
    actor,
    reason,
    details: { decision: input.decision, ...(refusedStage === undefined ? {} : { stage: refusedStage }) },
  });
  return { kind: 'refused', request, reason, ...(refusedStage === undefined ? {} : { stage: refusedStage }) };
}
