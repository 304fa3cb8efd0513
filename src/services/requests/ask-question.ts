import { z } from 'zod';
import { approverRefusal } from '../../domain/decision.ts';
import { recordAudit } from '../audit/audit.ts';
import { auditRefusal } from '../audit/refusal.ts';
import type { CoreDeps } from '../ports.ts';
import { workflowOf } from '../routing/rule-schema.ts';
import { storable } from './input.ts';
import { withLockedRequest } from './locking.ts';
import { extendPendingDeadline } from './store/changes.ts';
import { getRequest, type RequestRow } from './store/reads.ts';

/** A question (or its answer): 1–2000 characters of storable text. */
export const ZQuestionText = storable(z.string({ error: 'is required' }))
  .trim()
  .min(1, 'is required')
  .max(2000, 'must be at most 2000 characters');

export type AskResult =
  | { kind: 'asked'; request: RequestRow; extendedBySeconds: number }
  /** This question (its id) was recorded already: a double submit. Nothing changed again. */
  | { kind: 'repeated'; request: RequestRow }
  | { kind: 'not_found' }
  | { kind: 'refused'; reason: 'self' | 'not_an_approver' | 'not_pending'; request: RequestRow };

/**
 * **Needs info**: a routed approver (never the requester) asks the requester a question about a
 * pending request. The question gets the id minted when its form opened, so a double submit records
 * it once; and the deadline moves — once, in the same transaction, under the row lock — by the
 * `needsInfo.extendSeconds` of the request's workflow snapshot (not at all when its rule sets none).
 * Audited as `question.asked` with the deadline before and after; refusals as `question.refused`.
 * The request stays `pending`; an unanswered question makes it "needs info".
 */
export async function askQuestion(
  deps: CoreDeps,
  input: { requestId: string; questionId: string; userId: string; question: string },
): Promise<AskResult> {
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked, now): Promise<AskResult> => {
    if (locked === null) return { kind: 'not_found' };
    expiredNow = locked.expiredNow;
    const { request } = locked;
    if (request.questions.some((q) => q.id === input.questionId)) return { kind: 'repeated', request };
    const actor = { type: 'user', id: input.userId } as const;
    const reason = approverRefusal(input.userId, request) ?? (request.status !== 'pending' ? 'not_pending' : null);
    if (reason !== null) {
      const refusal = { type: 'question.refused', actor, reason, details: { status: request.status } };
      await auditRefusal(tx, { requestId: request.id, ...refusal });
      return { kind: 'refused', reason, request };
    }
    const extendSeconds = questionExtension(
      request,
      workflowOf(request.workflow).needsInfo?.extendSeconds ?? 0,
      deps.config.MAX_TTL_SECONDS,
    );
    const expiresAt = new Date(request.expiresAt.getTime() + extendSeconds * 1000);
    await tx.requestQuestion.create({
      data: {
        id: input.questionId,
        requestId: request.id,
        asker: input.userId,
        question: input.question,
        askedAt: now,
        extendedBySeconds: extendSeconds,
      },
    });
    // The same conditional write every change uses: still pending, deadline not yet passed (lockCurrent
    // settled an overdue one). The version moves so the card re-renders with the question and new deadline.
    const extended = await extendPendingDeadline(tx, request.id, { current: request.expiresAt, now, next: expiresAt });
    if (!extended) throw new Error(`request ${request.id} changed concurrently (asking a question)`);
    await recordAudit(tx, {
      requestId: request.id,
      type: 'question.asked',
      actor,
      details: {
        questionId: input.questionId,
        question: input.question,
        extendedBySeconds: extendSeconds,
        previousExpiresAt: request.expiresAt.toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
    });
    const updated = await getRequest(tx, request.id);
    if (updated === null) throw new Error(`request ${request.id} vanished under its lock`);
    return { kind: 'asked', request: updated, extendedBySeconds: extendSeconds };
  });
  if (result.kind === 'asked') {
    await deps.effects.requestsRescheduled([result.request]);
    await deps.effects.workflowNotices([
      { kind: 'question_asked', requestId: result.request.id, id: input.questionId },
    ]);
  } else if (expiredNow && result.kind !== 'not_found') {
    await deps.effects.requestsChanged([result.request]);
  }
  return result;
}

/**
 * How far a question moves the deadline: the rule's `extendSeconds`, but never past MAX_TTL_SECONDS
 * from the request's creation — questions pause the clock, they cannot keep a request open forever
 * (one approver asking again and again). Whole seconds; 0 once the cap is reached.
 */
export function questionExtension(
  request: { createdAt: Date; expiresAt: Date },
  extendSeconds: number,
  maxTtlSeconds: number,
): number {
  const room = Math.floor((request.createdAt.getTime() + maxTtlSeconds * 1000 - request.expiresAt.getTime()) / 1000);
  return Math.max(0, Math.min(extendSeconds, room));
}
