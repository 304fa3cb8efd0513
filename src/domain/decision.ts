/** Who may decide a request, and what a set of votes adds up to. Pure: no I/O. */

export type Eligibility = 'eligible' | 'self_approval' | 'not_an_approver';

/** A requester never decides their own request; only routed approvers decide. */
export function checkEligibility(input: {
  userId: string;
  requesterId: string;
  approverIds: readonly string[];
}): Eligibility {
  if (input.userId === input.requesterId) return 'self_approval';
  if (!input.approverIds.includes(input.userId)) return 'not_an_approver';
  return 'eligible';
}

/**
 * Why a user may not act as an approver of a request — `self`: they asked for it; `not_an_approver`:
 * it was not routed to them — or null when they may (asking a question, deciding an extension).
 */
export function approverRefusal(
  userId: string,
  request: { requesterSlackId: string; approverIds: readonly string[] },
): 'self' | 'not_an_approver' | null {
  const eligibility = checkEligibility({
    userId,
    requesterId: request.requesterSlackId,
    approverIds: request.approverIds,
  });
  return eligibility === 'self_approval' ? 'self' : eligibility === 'not_an_approver' ? 'not_an_approver' : null;
}

export interface VoteLike {
  voterId: string;
  decision: 'approve' | 'deny';
}

/** Any deny denies; `required` distinct approvals approve; otherwise the request stays pending. */
export function tally(votes: readonly VoteLike[], required: number): 'approved' | 'denied' | 'pending' {
  if (votes.some((vote) => vote.decision === 'deny')) return 'denied';
  const approvers = new Set(votes.filter((vote) => vote.decision === 'approve').map((vote) => vote.voterId));
  return approvers.size >= required ? 'approved' : 'pending';
}

/** One stage of a sequential chain, with its approvers already expanded (user groups → people). */
export interface StageRule {
  name: string;
  requiredApprovals: number;
  approverIds: readonly string[];
}

/** A vote of a chained request: the stage it counted for (null for votes cast without stages). */
export interface StageVote extends VoteLike {
  stage: number | null;
}

export interface StageProgress {
  status: 'approved' | 'denied' | 'pending';
  /** The stage deciding now: the first one short of its quorum (`stages.length` once every stage is done). */
  current: number;
  /** Per stage, the distinct approvers whose approval counted for it, in voting order. */
  approvedBy: string[][];
}

/**
 * Where a chain stands: a vote counts only for the stage it was cast in, a stage is done once its
 * own approvals reach its quorum, and the stages complete in order (the first short of its quorum is
 * current). Any deny denies; every stage done approves.
 */
export function stageProgress(stages: readonly StageRule[], votes: readonly StageVote[]): StageProgress {
  const approvedBy = stages.map((_, index) => [
    ...new Set(votes.filter((v) => v.stage === index && v.decision === 'approve').map((v) => v.voterId)),
  ]);
  let current = stages.findIndex((stage, index) => (approvedBy[index]?.length ?? 0) < stage.requiredApprovals);
  if (current === -1) current = stages.length;
  const status = votes.some((v) => v.decision === 'deny')
    ? 'denied'
    : current === stages.length
      ? 'approved'
      : 'pending';
  return { status, current, approvedBy };
}

export type StageEligibility =
  | { verdict: 'eligible'; stage: number }
  | { verdict: 'self_approval' | 'already_voted' | 'not_an_approver' }
  /** Listed in a later stage only: it has not started yet. */
  | { verdict: 'stage_not_started'; stage: number }
  /** Listed in an earlier stage only (already done): not an approver of the current stage. */
  | { verdict: 'not_in_current_stage'; stage: number };

/**
 * Who may vote on a chained request now: only the current stage's approvers, never the requester,
 * and each person once — someone listed in two stages counts in the first stage they vote in and
 * cannot vote again. `stage` names the stage the vote would count for, or the one that refuses it.
 */
export function checkStageEligibility(input: {
  userId: string;
  requesterId: string;
  stages: readonly StageRule[];
  votes: readonly StageVote[];
}): StageEligibility {
  const { userId, stages } = input;
  if (userId === input.requesterId) return { verdict: 'self_approval' };
  if (input.votes.some((vote) => vote.voterId === userId)) return { verdict: 'already_voted' };
  const { current } = stageProgress(stages, input.votes);
  if (stages[current]?.approverIds.includes(userId)) return { verdict: 'eligible', stage: current };
  const later = stages.findIndex((stage, index) => index > current && stage.approverIds.includes(userId));
  if (later !== -1) return { verdict: 'stage_not_started', stage: later };
  const earlier = stages.findIndex((stage, index) => index < current && stage.approverIds.includes(userId));
  if (earlier !== -1) return { verdict: 'not_in_current_stage', stage: current };
  return { verdict: 'not_an_approver' };
}

/**
 * Whom a request waits for now: the approvers who may vote at this point and have not voted, never
 * the requester. With stages (`stages` non-null), only the current stage's approvers: a later stage's
 * people are not asked before their stage starts, an earlier stage's are done. What reminders
 * mention, approver DMs tell and App Home lists as waiting for someone's approval.
 */
export function awaitedApprovers(input: {
  approverIds: readonly string[];
  stages: readonly StageRule[] | null;
  votes: readonly StageVote[];
  requesterId: string;
}): string[] {
  const voted = new Set(input.votes.map((vote) => vote.voterId));
  const asked =
    input.stages === null
      ? input.approverIds
      : (input.stages[stageProgress(input.stages, input.votes).current]?.approverIds ?? []);
  return [...new Set(asked)].filter((id) => !voted.has(id) && id !== input.requesterId);
}
