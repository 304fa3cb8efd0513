import type { Actor } from '../../domain/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { auditRefusal } from '../audit/refusal.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import { recordBreakGlassReview } from './store/changes.ts';
import type { RequestRow } from './store/reads.ts';

export const BREAK_GLASS_VERDICTS = ['acceptable', 'not_acceptable'] as const;
export type BreakGlassVerdict = (typeof BREAK_GLASS_VERDICTS)[number];

export type ReviewRefusal = 'not_break_glass' | 'self_review' | 'not_an_approver' | 'already_reviewed';

export type ReviewResult =
  | { kind: 'reviewed'; request: RequestRow }
  | { kind: 'refused'; request: RequestRow; reason: ReviewRefusal }
  | { kind: 'not_found' };

/** Why `userId` may not review this request's break-glass use, or null when they may. */
export function reviewRefusal(request: RequestRow, userId: string): ReviewRefusal | null {
  if (request.breakGlassReason === null) return 'not_break_glass';
  if (userId === request.requesterSlackId) return 'self_review';
  if (!request.approverIds.includes(userId)) return 'not_an_approver';
  if (request.breakGlassReviewedAt !== null) return 'already_reviewed';
  return null;
}

/**
 * Records the after-the-fact review of a break-glass use: a routed approver (never the requester)
 * judges it `acceptable` or `not_acceptable`, with a note. Once per use; audited
 * (`break_glass.reviewed`), refusals too (`break_glass.review_refused`); the card re-renders.
 * `verdict` absent only checks (before the modal opens).
 */
export async function reviewBreakGlass(
  deps: CoreDeps,
  input: { requestId: string; userId: string; verdict?: BreakGlassVerdict; note?: string },
): Promise<ReviewResult> {
  const actor: Actor = { type: 'user', id: input.userId };
  let lapsedNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked, now): Promise<ReviewResult> => {
    if (locked === null) return { kind: 'not_found' };
    const { request } = locked;
    lapsedNow = locked.expiredNow;
    const refusal = reviewRefusal(request, input.userId);
    if (refusal !== null) {
      await auditRefusal(tx, { requestId: request.id, type: 'break_glass.review_refused', actor, reason: refusal });
      return { kind: 'refused', request, reason: refusal };
    }
    if (input.verdict === undefined) return { kind: 'reviewed', request };
    const columns = {
      breakGlassVerdict: input.verdict,
      breakGlassReviewNote: input.note ?? null,
      breakGlassReviewedBy: input.userId,
      breakGlassReviewedAt: now,
    };
    await recordBreakGlassReview(tx, request.id, columns);
    await recordAudit(tx, {
      requestId: request.id,
      type: 'break_glass.reviewed',
      actor,
      details: { verdict: input.verdict, note: input.note ?? null },
    });
    return { kind: 'reviewed', request: { ...request, ...columns, version: request.version + 1 } };
  });
  // A grant that lapsed as the row was locked is a real change: its notices and callback follow.
  if (lapsedNow && result.kind !== 'not_found') await deps.effects.requestsChanged([result.request]);
  else if (result.kind === 'reviewed' && input.verdict !== undefined) await deps.effects.cardsChanged([result.request]);
  return result;
}
