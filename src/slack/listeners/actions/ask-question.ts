import { randomUUID } from 'node:crypto';
import { checkEligibility } from '../../../domain/decision.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { questionExtension } from '../../../services/requests/ask-question.ts';
import { getRequest, type RequestRow } from '../../../services/requests/store/reads.ts';
import { workflowOf } from '../../../services/routing/rule-schema.ts';
import { buildQuestionModal } from '../../blocks/question-modal.ts';
import { requestButton } from './request-button.ts';

/** What someone who may not ask is told (the submit checks again, under the row lock, and audits). */
export const ASK_REFUSED = {
  not_found: 'This request no longer exists.',
  self: 'You asked for this yourself: only its approvers can ask you questions about it.',
  not_an_approver: 'Only the approvers of this request can ask questions about it.',
  not_pending: 'This request is already decided: there is nothing left to ask.',
} as const;

/**
 * **Ask a question** on a pending card: ack, check the presser is one of its routed approvers (not
 * the requester) and that it is still pending, then open the question form with a fresh question
 * id — the id that makes a double submit of that form count once.
 */
export function askQuestionCallback(deps: CoreDeps) {
  return requestButton(
    { log: 'ask question', failed: 'Something went wrong opening the question form. Please try again.' },
    async ({ user, value: requestId, input, client, tell }) => {
      const request = await getRequest(deps.db, requestId);
      const eligibility =
        request === null
          ? 'not_found'
          : checkEligibility({ userId: user, requesterId: request.requesterSlackId, approverIds: request.approverIds });
      const refused =
        request === null
          ? 'not_found'
          : eligibility === 'self_approval'
            ? 'self'
            : eligibility === 'not_an_approver'
              ? 'not_an_approver'
              : request.status !== 'pending' || request.expiresAt.getTime() <= deps.now().getTime()
                ? 'not_pending'
                : null;
      if (refused !== null || request === null) {
        await tell(ASK_REFUSED[refused ?? 'not_found']);
        return;
      }
      await client.views.open({
        trigger_id: input.trigger_id,
        view: buildQuestionModal({
          requestId: request.id,
          questionId: randomUUID(),
          action: request.action,
          resource: request.resource,
          requesterSlackId: request.requesterSlackId,
          expiresAt: request.expiresAt,
          extendSeconds: extensionOffered(request, deps.config.MAX_TTL_SECONDS),
        }),
      });
    },
  );
}

/** What asking would move the deadline by (capped), or null when the request's rule does not pause the clock. */
function extensionOffered(request: RequestRow, maxTtlSeconds: number): number | null {
  const needsInfo = workflowOf(request.workflow).needsInfo;
  return needsInfo === null ? null : questionExtension(request, needsInfo.extendSeconds, maxTtlSeconds);
}
