import type { CoreDeps } from '../../../services/ports.ts';
import { getRequest } from '../../../services/requests/store/reads.ts';
import { buildReplyModal } from '../../blocks/question-modal.ts';
import { parseWorkflowRef } from '../../blocks/workflow-ref.ts';
import { requestButton } from './request-button.ts';

/** What someone who may not reply is told (the submit checks again, under the row lock, and audits). */
export const REPLY_REFUSED = {
  not_found: 'This question no longer exists.',
  not_requester: 'Only the person who made the request can answer its questions.',
  not_pending: 'This request is already decided: no answer is needed any more.',
  repeated: 'You already answered this question.',
} as const;

/** **Reply** in the requester's needs-info DM: ack, check it is theirs and still open, open the answer form. */
export function replyQuestionCallback(deps: CoreDeps) {
  return requestButton(
    { log: 'reply', failed: 'Something went wrong opening the reply form. Please try again.' },
    async ({ user, value, input, client, tell }) => {
      const ref = parseWorkflowRef(value);
      const request = ref === null ? null : await getRequest(deps.db, ref.requestId);
      const question = request?.questions.find((q) => q.id === ref?.id);
      const refused =
        request === null || question === undefined
          ? 'not_found'
          : user !== request.requesterSlackId
            ? 'not_requester'
            : question.answeredAt !== null
              ? 'repeated'
              : request.status !== 'pending'
                ? 'not_pending'
                : null;
      if (refused !== null || request === null || question === undefined) {
        await tell(REPLY_REFUSED[refused ?? 'not_found']);
        return;
      }
      await client.views.open({
        trigger_id: input.trigger_id,
        view: buildReplyModal({
          requestId: request.id,
          questionId: question.id,
          asker: question.asker,
          question: question.question,
        }),
      });
    },
  );
}
