import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { decide } from '../../../services/requests/decide.ts';
import { buildReasonModal } from '../../blocks/reason-modal.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import { explainDecision, tellUser } from '../feedback.ts';

/** Approve on a card: ack at once, then record the vote; the card update follows from the queue. */
export function approveRequestCallback(deps: CoreDeps) {
  return async ({
    ack,
    body,
    action,
    client,
    logger,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>) => {
    await ack();
    // Let other clicks already waiting on the socket be read and acked before this one's work.
    await new Promise((resolve) => setImmediate(resolve));
    const user = body.user.id;
    try {
      const result = await decide(deps, { requestId: action.value ?? '', userId: user, decision: 'approve' });
      if (result.kind === 'reason_required') {
        const { request } = result;
        await client.views.open({
          trigger_id: body.trigger_id,
          view: buildReasonModal({
            decision: 'approve',
            requestId: request.id,
            action: request.action,
            resource: request.resource,
            channelId: body.channel?.id,
          }),
        });
        return;
      }
      const text = explainDecision(result, 'approve');
      if (text !== null) await tellUser(client, { user, channel: body.channel?.id, text });
      if (body.view?.type === 'home') await publishHome(deps, client, user, parsePages(body.view.private_metadata));
    } catch (error) {
      logger.error(`approve failed for ${action.value}: ${String(error)}`);
      await tellUser(client, {
        user,
        channel: body.channel?.id,
        text:
          error instanceof AppError
            ? `Your approval was not recorded: ${error.message}.`
            : 'Something went wrong recording your approval. Please try again.',
      }).catch(() => {});
    }
  };
}
