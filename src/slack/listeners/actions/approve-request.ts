import type { CoreDeps } from '../../../services/ports.ts';
import { recordDecision } from '../../../services/requests/decide.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { buildReasonModal } from '../../blocks/reason-modal.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import { explainDecision } from '../feedback.ts';
import { type RecordingFailure, recordingButton } from './request-button.ts';

/** What an approver is told when their approval failed or is slow (Approve, and Approve for a while). */
export const APPROVE_FAILURE: RecordingFailure = {
  log: 'approve',
  refused: (error) => `Your approval was not recorded: ${error.message}.`,
  failed: 'Something went wrong recording your approval. Please try again.',
  notRecorded:
    'Your approval is not recorded yet: recording it is taking longer than usual. You will be told here if it fails; the card shows it once it counts.',
};

/**
 * Approve on a card: record the vote, then ack (within ACK_BUDGET_MS, so an acked press survives a
 * crash); the card update is queued and the presser told after the ack.
 */
export function approveRequestCallback(deps: CoreDeps) {
  return recordingButton(APPROVE_FAILURE, {
    record: ({ user, value: requestId }) => recordDecision(deps, { requestId, userId: user, decision: 'approve' }),
    respond: async ({ user, channel, value: requestId, input, client, tell }, { result, announce }) => {
      await announce();
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
  });
}
