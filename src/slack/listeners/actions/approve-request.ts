import type { CoreDeps } from '../../../services/ports.ts';
import { decide } from '../../../services/requests/decide.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildReasonModal } from '../../blocks/reason-modal.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import { explainDecision } from '../feedback.ts';
import { requestButton } from './request-button.ts';

/** Approve on a card: ack at once, then record the vote; the card update follows from the queue. */
export function approveRequestCallback(deps: CoreDeps) {
  return requestButton(
    {
      log: 'approve',
      refused: (error) => `Your approval was not recorded: ${error.message}.`,
      failed: 'Something went wrong recording your approval. Please try again.',
    },
    async ({ user, channel, value: requestId, input, client, tell }) => {
      // Let other clicks already waiting on the socket be read and acked before this one's work.
      await new Promise((resolve) => setImmediate(resolve));
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
      if (text !== null) await tell(text);
      if (input.view?.type === 'home') await publishHome(deps, client, user, parsePages(input.view.private_metadata));
    },
  );
}
