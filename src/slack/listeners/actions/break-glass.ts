import type { CoreDeps } from '../../../services/ports.ts';
import { precheckBreakGlass } from '../../../services/requests/break-glass.ts';
import { buildBreakGlassModal } from '../../blocks/break-glass-modals.ts';
import { explainBreakGlass } from '../break-glass-feedback.ts';
import { requestButton } from './request-button.ts';

/**
 * Break glass (the requester's DM, or the card): ack, check on the server that the presser is the
 * requester and the rule allows it (a refusal is audited and explained to them alone), then open the
 * modal asking for the justification; the approval itself happens on its submit.
 */
export function breakGlassCallback(deps: CoreDeps) {
  return requestButton(
    {
      log: 'break glass',
      refused: (error) => `The Break glass form did not open: ${error.message}.`,
      failed: 'Something went wrong opening the Break glass form. Please try again.',
    },
    async ({ user, channel, value: requestId, input, client, tell }) => {
      const check = await precheckBreakGlass(deps, { requestId, userId: user });
      if (check.kind !== 'ok') {
        const text = explainBreakGlass(check);
        if (text !== null) await tell(text);
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
    },
  );
}
