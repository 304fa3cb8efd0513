import { recordAudit } from '../audit/audit.ts';
import { auditRefusal } from '../audit/refusal.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import { bumpRequestVersion } from './store/changes.ts';
import { getRequest, type RequestRow } from './store/reads.ts';

export type AnswerResult =
  | { kind: 'answered'; request: RequestRow }
  /** The question was answered already (a double submit, or a second Reply): nothing changed. */
  | { kind: 'repeated'; request: RequestRow }
  | { kind: 'not_found' }
  | { kind: 'refused'; reason: 'not_requester' | 'not_pending'; request: RequestRow };

/**
 * The requester answers a needs-info question: recorded once on the question (`question.answered`
 * audited), which clears "needs info" when it was the last open one. Only the requester may answer,
 * and only while the request is pending (a decided request needs no more information). The deadline
 * stays where the question moved it. Refusals are audited as `question.refused`.
 */
export async function answerQuestion(
  deps: CoreDeps,
  input: { requestId: string; questionId: string; userId: string; answer: string },
): Promise<AnswerResult> {
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked, now): Promise<AnswerResult> => {
    if (locked === null) return { kind: 'not_found' };
    expiredNow = locked.expiredNow;
    const { request } = locked;
    const question = request.questions.find((q) => q.id === input.questionId);
    if (question === undefined) return { kind: 'not_found' };
    const actor = { type: 'user', id: input.userId } as const;
    const reason =
      input.userId !== request.requesterSlackId ? 'not_requester' : request.status !== 'pending' ? 'not_pending' : null;
    if (reason !== null) {
      const details = { questionId: question.id, status: request.status };
      await auditRefusal(tx, { requestId: request.id, type: 'question.refused', actor, reason, details });
      return { kind: 'refused', reason, request };
    }
    if (question.answeredAt !== null) return { kind: 'repeated', request };
    await tx.requestQuestion.updateMany({
      where: { id: question.id, answeredAt: null },
      data: { answer: input.answer, answeredAt: now },
    });
    await bumpRequestVersion(tx, request.id);
    await recordAudit(tx, {
      requestId: request.id,
      type: 'question.answered',
      actor,
      details: { questionId: question.id, answer: input.answer, askedBy: question.asker },
    });
    const updated = await getRequest(tx, request.id);
    if (updated === null) throw new Error(`request ${request.id} vanished under its lock`);
    return { kind: 'answered', request: updated };
  });
  if (result.kind === 'answered') {
    await deps.effects.requestsChanged([result.request]);
    await deps.effects.workflowNotices([
      { kind: 'question_answered', requestId: result.request.id, id: input.questionId },
    ]);
  } else if (expiredNow && result.kind !== 'not_found') {
    await deps.effects.requestsChanged([result.request]);
  }
  return result;
}
