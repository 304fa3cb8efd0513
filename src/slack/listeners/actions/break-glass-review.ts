import type { CoreDeps } from '../../../services/ports.ts';
import { reviewBreakGlass } from '../../../services/requests/break-glass-review.ts';
import { buildBreakGlassReviewModal } from '../../blocks/break-glass-modals.ts';
import { explainReview } from '../break-glass-feedback.ts';
import { requestButton } from './request-button.ts';

/**
 * Review on a break-glass card (or in App Home): ack, check on the server that the presser is a
 * routed approver other than the requester and the use is not reviewed yet (a refusal is audited and
 * explained to them alone), then open the review modal; the verdict is recorded on its submit.
 */
export function breakGlassReviewCallback(deps: CoreDeps) {
  return requestButton(
    {
      log: 'review',
      refused: (error) => `The Review form did not open: ${error.message}.`,
      failed: 'Something went wrong opening the Review form. Please try again.',
    },
    async ({ user, channel, value: requestId, input, client, tell }) => {
      const check = await reviewBreakGlass(deps, { requestId, userId: user });
      const text = explainReview(check);
      if (text !== null || check.kind !== 'reviewed') {
        await tell(text ?? 'This request no longer exists.');
        return;
      }
      const { request } = check;
      await client.views.open({
        trigger_id: input.trigger_id,
        view: buildBreakGlassReviewModal({
          requestId: request.id,
          action: request.action,
          resource: request.resource,
          requesterSlackId: request.requesterSlackId,
          reason: request.breakGlassReason ?? '',
          channelId: channel,
        }),
      });
    },
  );
}
