import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { precheckDecision } from '../../../services/requests/decide.ts';
import { buildReasonModal } from '../../blocks/reason-modal.ts';
import { explainDecision, tellUser } from '../feedback.ts';

/** Deny on a card: ack, check the user may decide, then open the modal asking for the reason. */
export function denyRequestCallback(deps: CoreDeps) {
  return async ({
    ack,
    body,
    action,
    client,
    logger,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id;
    try {
      const check = await precheckDecision(deps, { requestId: action.value ?? '', userId: user, decision: 'deny' });
      if (check.kind !== 'ok') {
        const text = explainDecision(check, 'deny');
        if (text !== null) await tellUser(client, { user, channel, text });
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: buildReasonModal({
          decision: 'deny',
          requestId: check.request.id,
          action: check.request.action,
          resource: check.request.resource,
          channelId: channel,
        }),
      });
    } catch (error) {
      logger.error(`deny failed for ${action.value}: ${String(error)}`);
      await tellUser(client, {
        user,
        channel,
        text:
          error instanceof AppError
            ? `The Deny form did not open: ${error.message}.`
            : 'Something went wrong opening the Deny form. Please try again.',
      }).catch(() => {});
    }
  };
}
