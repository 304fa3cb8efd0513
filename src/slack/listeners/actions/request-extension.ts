import type { CoreDeps } from '../../../services/ports.ts';
import { getRequest } from '../../../services/requests/store/reads.ts';
import { buildExtensionModal, extensionChoices } from '../../blocks/extension-blocks.ts';
import { grantStatusLine } from '../../blocks/kit/grant.ts';
import { requestButton } from './request-button.ts';

/**
 * **Request extension** in a Slack requester's approval DM: ack, check it is their request, still
 * approved and unspent, with no extension already waiting and room left under the 30-day limit,
 * then open the form (how much longer, why). The submit checks all of it again under the row lock.
 */
export function requestExtensionCallback(deps: CoreDeps) {
  return requestButton(
    { log: 'request extension', failed: 'Something went wrong opening the extension form. Please try again.' },
    async ({ user, value: requestId, input, client, tell }) => {
      const request = await getRequest(deps.db, requestId);
      const refused =
        request === null
          ? 'This request no longer exists.'
          : user !== request.requesterSlackId
            ? 'Only the person who asked for this access can ask to extend it.'
            : request.status !== 'approved'
              ? `There is no grant to extend any more.\n${grantStatusLine(request) ?? `The request is ${request.status}.`}`
              : request.extensions.some((e) => e.status === 'pending')
                ? 'An extension of this grant is already waiting for the approvers.'
                : extensionChoices(request).length === 0
                  ? 'This grant cannot be extended further: a grant lives at most 30 days from its approval.'
                  : null;
      if (refused !== null || request === null) {
        await tell(refused ?? 'This request no longer exists.');
        return;
      }
      await client.views.open({ trigger_id: input.trigger_id, view: buildExtensionModal(request) });
    },
  );
}
