/**
 * The writes a use case makes to a request under its row lock (`withLockedRequest`) besides a change
 * of status (transitions.ts): a question's new deadline, an extended grant, an escalation level, a
 * break-glass reason or review, callbacks stopped. Each is conditional, so a write that finds the row
 * moved on changes nothing; those whose caller must know return whether the row was written.
 */
import type { Prisma } from '../../../generated/prisma/client.ts';
import type { Tx } from '../../types.ts';

/**
 * Moves the row's version on, so the card re-renders with what changed beside it (a question
 * answered, an extension asked for or denied).
 */
export async function bumpRequestVersion(tx: Tx, requestId: string): Promise<void> {
  await tx.approvalRequest.update({ where: { id: requestId }, data: { version: { increment: 1 } } });
}

/**
 * A question asked (needs info) extends the deadline: written only while the request is pending
 * and its deadline is still `current` and not yet passed at `now`. Returns whether it was written.
 */
export async function extendPendingDeadline(
  tx: Tx,
  requestId: string,
  deadline: { current: Date; now: Date; next: Date },
): Promise<boolean> {
  const { count } = await tx.approvalRequest.updateMany({
    where: { id: requestId, status: 'pending', expiresAt: { gt: deadline.now, equals: deadline.current } },
    data: { expiresAt: deadline.next, version: { increment: 1 } },
  });
  return count === 1;
}

/** The grant an approved extension replaces the current one with. */
export interface ExtendedGrant {
  id: string;
  kid: string;
  token: string;
  expiresAt: Date;
}

/**
 * An approved extension: the new grant replaces `grantId`, written only while the request is still
 * approved with that grant and its window has not passed at `now`. Returns whether it was written.
 */
export async function replaceGrant(
  tx: Tx,
  requestId: string,
  current: { grantId: string | null; now: Date },
  grant: ExtendedGrant,
): Promise<boolean> {
  const { count } = await tx.approvalRequest.updateMany({
    where: { id: requestId, status: 'approved', grantId: current.grantId, grantExpiresAt: { gt: current.now } },
    data: {
      grantExpiresAt: grant.expiresAt,
      grantId: grant.id,
      grantKid: grant.kid,
      grantToken: grant.token,
      version: { increment: 1 },
    },
  });
  return count === 1;
}

/** What an escalation level writes: the approvers it added and its record. */
export interface EscalationWrite {
  approverIds: string[];
  /** The chain's approvers with the current stage's grown; null when the request has no chain. */
  stageApprovers: string[][] | null;
  escalations: Prisma.InputJsonValue;
}

/**
 * Records escalation level `fromLevel + 1`: written only while the request is pending at level
 * `fromLevel`. Returns whether it was written.
 */
export async function recordEscalation(
  tx: Tx,
  requestId: string,
  fromLevel: number,
  write: EscalationWrite,
): Promise<boolean> {
  const { count } = await tx.approvalRequest.updateMany({
    where: { id: requestId, status: 'pending', escalationLevel: fromLevel },
    data: {
      approverIds: write.approverIds,
      ...(write.stageApprovers === null ? {} : { stageApprovers: write.stageApprovers }),
      escalationLevel: fromLevel + 1,
      escalations: write.escalations,
      version: { increment: 1 },
    },
  });
  return count === 1;
}

/** Records the requester's reason for breaking the glass, while the request is still pending. */
export async function setBreakGlassReason(tx: Tx, requestId: string, reason: string): Promise<void> {
  await tx.approvalRequest.updateMany({
    where: { id: requestId, status: 'pending' },
    data: { breakGlassReason: reason },
  });
}

/** An admin's review of a break-glass use. */
export interface BreakGlassReview {
  breakGlassVerdict: string;
  breakGlassReviewNote: string | null;
  breakGlassReviewedBy: string;
  breakGlassReviewedAt: Date;
}

/** Records the review of a break-glass use, once: a use already reviewed is left as it is. */
export async function recordBreakGlassReview(tx: Tx, requestId: string, review: BreakGlassReview): Promise<void> {
  await tx.approvalRequest.updateMany({
    where: { id: requestId, breakGlassReviewedAt: null },
    data: { ...review, version: { increment: 1 } },
  });
}

/** Records that the request's callbacks stopped for good (once). */
export async function stopCallbacks(tx: Tx, requestId: string, at: Date): Promise<void> {
  await tx.approvalRequest.updateMany({
    where: { id: requestId, callbacksStoppedAt: null },
    data: { callbacksStoppedAt: at },
  });
}
