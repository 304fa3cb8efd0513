import type { CoreDeps } from '../../../services/ports.ts';
import { precheckRevoke } from '../../../services/requests/revoke.ts';
import { getRequest } from '../../../services/requests/store/reads.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildRevokeModal } from '../../blocks/revoke-modal.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import { explainRevokeRefusal } from '../feedback.ts';
import { requestButton } from './request-button.ts';

/**
 * Revoke access, on a card or in App Home: ack, check on the server that the presser may revoke
 * this access now (a refusal is audited and explained to them alone), then open the modal asking
 * for an optional reason; the revocation itself happens on its submit.
 */
export function revokeGrantCallback(deps: CoreDeps) {
  return requestButton(
    {
      log: 'revoke',
      refused: async (error, { user, value: requestId }) => {
        if (error.code === 'not_found')
          await refuseUnknownRequest(deps, { userId: user, requestId, decision: 'revoke' });
        return explainRevokeRefusal(error, await getRequest(deps.db, requestId));
      },
      failed: 'Something went wrong opening the Revoke access form. Please try again.',
      // A Home showing access that has ended is out of date: show the user how things stand.
      afterFailure: async ({ user, input, client }) => {
        if (input.view?.type === 'home') await publishHome(deps, client, user, parsePages(input.view.private_metadata));
      },
    },
    async ({ user, channel, value: requestId, input, client }) => {
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
    },
  );
}
