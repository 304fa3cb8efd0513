import type { ModalView } from '@slack/types';
import { requesterMention } from '../../domain/requester.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { textInput } from './kit/inputs.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { plain, section } from './kit/text.ts';
import { REASON_FIELDS } from './reason-modal.ts';

/**
 * The "Revoke access" modal: what is being revoked and an optional reason (audited, and shown on
 * the card and to the requester). Like the reason modal, the request travels in private_metadata
 * with the channel it was pressed in (none from App Home).
 */
export function buildRevokeModal(input: {
  requestId: string;
  action: string;
  resource: string;
  requesterSlackId: string;
  channelId?: string | undefined;
}): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.revokeModal,
    title: plain('Revoke access'),
    submit: plain('Revoke access'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ requestId: input.requestId, channelId: input.channelId }),
    blocks: [
      section(
        `Revoke the approved access to \`${truncate(escapeMrkdwn(input.action), 500)}\` on \`${truncate(escapeMrkdwn(input.resource), 1000)}\`? ` +
          `Its grant stops working at once; ${requesterMention(escapeMrkdwn(input.requesterSlackId))} is told, with your reason if you give one.`,
      ),
      textInput(REASON_FIELDS.reason, 'Reason', null, {
        optional: true,
        multiline: true,
        max: 3000,
        placeholder: 'Why access is withdrawn (optional)',
      }),
    ],
  };
}
