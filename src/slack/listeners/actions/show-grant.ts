import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { publicUrl } from '../../../config/grants.ts';
import { AppError } from '../../../errors.ts';
import { showGrant } from '../../../services/grants/show.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildGrantModal } from '../../blocks/grant-modal.ts';
import type { TBlockActions } from '../../payloads.ts';
import { tellUser } from '../feedback.ts';

/** What someone who may not see a grant is told, by why. */
const REFUSED = {
  not_requester: 'Only the person who asked for this access can see its grant.',
  not_slack_request: 'This request came from a service: its grant went to that service, not to Slack.',
} as const;

/**
 * Show grant, in a Slack requester's outcome DM or App Home: ack, check on the server that the
 * presser is the requester (refusals audited and explained to them alone), then open the modal with
 * the token as the row holds it now — or why there is none any more. The token is never logged.
 */
export function showGrantCallback(deps: CoreDeps) {
  return async (
    { ack, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
    input: TBlockActions,
  ) => {
    await ack();
    const user = input.user.id;
    const channel = input.channel?.id;
    const requestId = input.actions[0].value ?? '';
    try {
      const result = await showGrant(deps, { requestId, userId: user });
      if (result.kind === 'not_found') {
        await refuseUnknownRequest(deps, { userId: user, requestId, decision: 'show_grant' });
        await tellUser(client, { user, channel, text: 'This request no longer exists.' });
        return;
      }
      if (result.kind === 'refused') {
        await tellUser(client, { user, channel, text: REFUSED[result.reason] });
        return;
      }
      await client.views.open({
        trigger_id: input.trigger_id,
        view: buildGrantModal(result.request, publicUrl(deps.config)),
      });
    } catch (error) {
      // Only the error's message: the view (which holds the token) is never part of what is logged.
      if (!(error instanceof AppError))
        logger.error(`show grant failed for ${requestId.slice(0, 100)}: ${String(error)}`);
      await tellUser(client, {
        user,
        channel,
        text:
          error instanceof AppError
            ? `The grant could not be shown: ${error.message}.`
            : 'Something went wrong showing the grant. Please try again.',
      }).catch(() => {});
    }
  };
}
