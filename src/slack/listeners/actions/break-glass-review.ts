import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { reviewBreakGlass } from '../../../services/requests/break-glass-review.ts';
import { buildBreakGlassReviewModal } from '../../blocks/break-glass-modals.ts';
import type { TBlockActions } from '../../payloads.ts';
import { explainReview } from '../break-glass-feedback.ts';
import { tellUser } from '../feedback.ts';

/**
 * Review on a break-glass card (or in App Home): ack, check on the server that the presser is a
 * routed approver other than the requester and the use is not reviewed yet (a refusal is audited and
 * explained to them alone), then open the review modal; the verdict is recorded on its submit.
 */
export function breakGlassReviewCallback(deps: CoreDeps) {
  return async (
    { ack, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
    input: TBlockActions,
  ) => {
    await ack();
    const user = input.user.id;
    const channel = input.channel?.id;
    const requestId = input.actions[0].value ?? '';
    try {
      const check = await reviewBreakGlass(deps, { requestId, userId: user });
      const text = explainReview(check);
      if (text !== null || check.kind !== 'reviewed') {
        await tellUser(client, { user, channel, text: text ?? 'This request no longer exists.' });
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
    } catch (error) {
      if (!(error instanceof AppError)) logger.error(`review failed for ${requestId.slice(0, 100)}: ${String(error)}`);
      await tellUser(client, {
        user,
        channel,
        text:
          error instanceof AppError
            ? `The Review form did not open: ${error.message}.`
            : 'Something went wrong opening the Review form. Please try again.',
      }).catch(() => {});
    }
  };
}
