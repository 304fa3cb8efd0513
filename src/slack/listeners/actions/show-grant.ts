import { publicUrl } from '../../../config/grants.ts';
import { showGrant } from '../../../services/grants/show.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildGrantModal } from '../../blocks/grant-modal.ts';
import { requestButton } from './request-button.ts';

/** What someone who may not see a grant is told, by why. */
const REFUSED = {
  not_requester: 'Only the person who asked for this access can see its grant.',
  not_slack_request: 'This request came from a service: its grant went to that service, not to Slack.',
} as const;

/**
 * Show grant, in a Slack requester's outcome DM or App Home: ack, check on the server that the
 * presser is the requester (refusals audited and explained to them alone), then open the modal with
 * the token as the row holds it now — or why there is none any more. The token is never logged:
 * a failure logs only the error's message, never the view that holds it.
 */
export function showGrantCallback(deps: CoreDeps) {
  return requestButton(
    {
      log: 'show grant',
      refused: (error) => `The grant could not be shown: ${error.message}.`,
      failed: 'Something went wrong showing the grant. Please try again.',
    },
    async ({ user, value: requestId, input, client, tell }) => {
      const result = await showGrant(deps, { requestId, userId: user });
      if (result.kind === 'not_found') {
        await refuseUnknownRequest(deps, { userId: user, requestId, decision: 'show_grant' });
        await tell('This request no longer exists.');
        return;
      }
      if (result.kind === 'refused') {
        await tell(REFUSED[result.reason]);
        return;
      }
      await client.views.open({
        trigger_id: input.trigger_id,
        view: buildGrantModal(result.request, publicUrl(deps.config)),
      });
    },
  );
}
