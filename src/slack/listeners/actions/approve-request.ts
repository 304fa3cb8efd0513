import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { decide } from '../../../services/requests/decide.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildReasonModal } from '../../blocks/reason-modal.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import type { TBlockActions } from '../../payloads.ts';
import { explainDecision, tellUser } from '../feedback.ts';

/** Approve on a card: ack at once, then record the vote; the card update follows from the queue. */
export function approveRequestCallback(deps: CoreDeps) {
  return async (
    { ack, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
    input: TBlockActions,
  ) => {
    await ack();
    // Let other clicks already waiting on the socket be read and acked before this one's work.
    await new Promise((resolve) => setImmediate(resolve));
    const user = input.user.id;
    const channel = input.channel?.id;
    const requestId = input.actions[0].value ?? '';
    try {
      const result = await decide(deps, { requestId, userId: user, decision: 'approve' });
      if (result.kind === 'not_found')
        await refuseUnknownRequest(deps, { userId: user, requestId, decision: 'approve' });
      if (result.kind === 'reason_required') {
        const { request } = result;
        await client.views.open({
          trigger_id: input.trigger_id,
          view: buildReasonModal({
            decision: 'approve',
            requestId: request.id,
            action: request.action,
            resource: request.resource,
            channelId: channel,
          }),
        });
        return;
      }
      const text = explainDecision(result, 'approve');
      if (text !== null) await tellUser(client, { user, channel, text });
      if (input.view?.type === 'home') await publishHome(deps, client, user, parsePages(input.view.private_metadata));
    } catch (error) {
      logger.error(`approve failed for ${requestId.slice(0, 100)}: ${String(error)}`);
      await tellUser(client, {
        user,
        channel,
        text:
          error instanceof AppError
            ? `Your approval was not recorded: ${error.message}.`
            : 'Something went wrong recording your approval. Please try again.',
      }).catch(() => {});
    }
  };
}
