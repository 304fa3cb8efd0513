import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { precheckDecision } from '../../../services/requests/decide.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildReasonModal } from '../../blocks/reason-modal.ts';
import type { TBlockActions } from '../../payloads.ts';
import { explainDecision, tellUser } from '../feedback.ts';

/** Deny on a card: ack, check the user may decide, then open the modal asking for the reason. */
export function denyRequestCallback(deps: CoreDeps) {
  return async (
    { ack, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
    input: TBlockActions,
  ) => {
    await ack();
    const user = input.user.id;
    const channel = input.channel?.id;
    const requestId = input.actions[0].value ?? '';
    try {
      const check = await precheckDecision(deps, { requestId, userId: user, decision: 'deny' });
      if (check.kind === 'not_found') await refuseUnknownRequest(deps, { userId: user, requestId, decision: 'deny' });
      if (check.kind !== 'ok') {
        const text = explainDecision(check, 'deny');
        if (text !== null) await tellUser(client, { user, channel, text });
        return;
      }
      await client.views.open({
        trigger_id: input.trigger_id,
        view: buildReasonModal({
          decision: 'deny',
          requestId: check.request.id,
          action: check.request.action,
          resource: check.request.resource,
          channelId: channel,
        }),
      });
    } catch (error) {
      logger.error(`deny failed for ${requestId.slice(0, 100)}: ${String(error)}`);
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
