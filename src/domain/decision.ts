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
