import type { ModalView } from '@slack/types';
import { CALLBACK_IDS } from '../ids.ts';
import { textInput } from './kit/inputs.ts';
import { escapeMrkdwn } from './kit/limits.ts';
import { plain, section } from './kit/text.ts';

export const REASON_FIELDS = { reason: 'reason' } as const;

/**
 * The reason modal: Deny always asks for a reason; Approve asks when the route requires one.
 * The decision travels in the callback id, the request in private_metadata.
 */
export function buildReasonModal(input: {
  decision: 'approve' | 'deny';
  requestId: string;
  action: string;
  resource: string;
  channelId?: string | undefined;
}): ModalView {
  const deny = input.decision === 'deny';
  return {
    type: 'modal',
    callback_id: deny ? CALLBACK_IDS.denyModal : CALLBACK_IDS.approveModal,
    title: plain(deny ? 'Deny request' : 'Approve request'),
    submit: plain(deny ? 'Deny' : 'Approve'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ requestId: input.requestId, channelId: input.channelId }),
    blocks: [
      section(
        `${deny ? 'Deny' : 'Approve'} \`${escapeMrkdwn(input.action)}\` on \`${escapeMrkdwn(input.resource)}\`? ` +
          (deny ? 'The requester sees your reason.' : 'This rule asks approvers for a reason.'),
      ),
      textInput(REASON_FIELDS.reason, 'Reason', null, { multiline: true, minLength: 1, max: 3000 }),
    ],
  };
}
