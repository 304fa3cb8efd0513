import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { precheckRevoke } from '../../../services/requests/revoke.ts';
import { getRequest } from '../../../services/requests/store.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildRevokeModal } from '../../blocks/revoke-modal.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import type { TBlockActions } from '../../payloads.ts';
import { explainRevokeRefusal, tellUser } from '../feedback.ts';

/**
 * Revoke access, on a card or in App Home: ack, check on the server that the presser may revoke
 * this access now (a refusal is audited and explained to them alone), then open the modal asking
 * for an optional reason; the revocation itself happens on its submit.
 */
export function revokeGrantCallback(deps: CoreDeps) {
  return async (
    { ack, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
    input: TBlockActions,
  ) => {
    await ack();
    const user = input.user.id;
    const channel = input.channel?.id;
    const requestId = input.actions[0].value ?? '';
    try {
      const request = await precheckRevoke(deps, { requestId, actor: { type: 'user', id: user } });
      await client.views.open({
        trigger_id: input.trigger_id,
        view: buildRevokeModal({
          requestId: request.id,
          action: request.action,
          resource: request.resource,
          requesterSlackId: request.requesterSlackId,
          channelId: channel,
        }),
      });
    } catch (error) {
      if (!(error instanceof AppError)) logger.error(`revoke failed for ${requestId.slice(0, 100)}: ${String(error)}`);
      if (error instanceof AppError && error.code === 'not_found') {
        await refuseUnknownRequest(deps, { userId: user, requestId, decision: 'revoke' });
      }
      const text =
        error instanceof AppError
          ? explainRevokeRefusal(error, await getRequest(deps.db, requestId))
          : 'Something went wrong opening the Revoke access form. Please try again.';
      await tellUser(client, { user, channel, text }).catch((failure: unknown) =>
        logger.warn(`revoke: telling ${user} failed: ${String(failure)}`),
      );
      // A Home showing access that has ended is out of date: show the user how things stand.
      if (input.view?.type === 'home') await publishHome(deps, client, user, parsePages(input.view.private_metadata));
    }
  };
}
