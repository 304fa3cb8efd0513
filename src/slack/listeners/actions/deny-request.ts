import type { CoreDeps } from '../../../services/ports.ts';
import { precheckDecision } from '../../../services/requests/decide.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildReasonModal } from '../../blocks/reason-modal.ts';
import { explainDecision } from '../feedback.ts';
import { requestButton } from './request-button.ts';

/** Deny on a card: ack, check the user may decide, then open the modal asking for the reason. */
export function denyRequestCallback(deps: CoreDeps) {
  return requestButton(
    {
      log: 'deny',
      refused: (error) => `The Deny form did not open: ${error.message}.`,
      failed: 'Something went wrong opening the Deny form. Please try again.',
    },
    async ({ user, channel, value: requestId, input, client, tell }) => {
      const check = await precheckDecision(deps, { requestId, userId: user, decision: 'deny' });
      if (check.kind === 'not_found') await refuseUnknownRequest(deps, { userId: user, requestId, decision: 'deny' });
      if (check.kind !== 'ok') {
        const text = explainDecision(check, 'deny');
        if (text !== null) await tell(text);
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
    },
  );
}
