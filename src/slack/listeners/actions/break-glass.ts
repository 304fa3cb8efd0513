import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { precheckBreakGlass } from '../../../services/requests/break-glass.ts';
import { buildBreakGlassModal } from '../../blocks/break-glass-modals.ts';
import type { TBlockActions } from '../../payloads.ts';
import { explainBreakGlass } from '../break-glass-feedback.ts';
import { tellUser } from '../feedback.ts';

/**
 * Break glass (the requester's DM, or the card): ack, check on the server that the presser is the
 * requester and the rule allows it (a refusal is audited and explained to them alone), then open the
 * modal asking for the justification; the approval itself happens on its submit.
 */
export function breakGlassCallback(deps: CoreDeps) {
  return async (
    { ack, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
    input: TBlockActions,
  ) => {
    await ack();
    const user = input.user.id;
    const channel = input.channel?.id;
    const requestId = input.actions[0].value ?? '';
    try {
      const check = await precheckBreakGlass(deps, { requestId, userId: user });
      if (check.kind !== 'ok') {
        const text = explainBreakGlass(check);
        if (text !== null) await tellUser(client, { user, channel, text });
        return;
      }
      await client.views.open({
        trigger_id: input.trigger_id,
        view: buildBreakGlassModal({
          requestId: check.request.id,
          action: check.request.action,
          resource: check.request.resource,
          channelId: channel,
        }),
      });
    } catch (error) {
      if (!(error instanceof AppError))
        logger.error(`break glass failed for ${requestId.slice(0, 100)}: ${String(error)}`);
      await tellUser(client, {
        user,
        channel,
        text:
          error instanceof AppError
            ? `The Break glass form did not open: ${error.message}.`
            : 'Something went wrong opening the Break glass form. Please try again.',
      }).catch(() => {});
    }
  };
}
