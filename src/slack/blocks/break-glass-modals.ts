import type { ModalView } from '@slack/types';
import { CALLBACK_IDS } from '../ids.ts';
import { input, option, textInput } from './kit/inputs.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { plain, section } from './kit/text.ts';

export const BREAK_GLASS_FIELDS = { reason: 'break_glass_reason', verdict: 'verdict', note: 'note' } as const;

interface ModalInput {
  requestId: string;
  action: string;
  resource: string;
  channelId?: string | undefined;
}

function what(request: ModalInput): string {
  return `\`${truncate(escapeMrkdwn(request.action), 500)}\` on \`${truncate(escapeMrkdwn(request.resource), 1000)}\``;
}

/** Break glass: the requester's justification (required), shown in the announcement and the audit trail. */
export function buildBreakGlassModal(request: ModalInput): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.breakGlassModal,
    title: plain('Break glass'),
    submit: plain('Break glass'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ requestId: request.requestId, channelId: request.channelId }),
    blocks: [
      section(
        `:rotating_light: Approve your own request for ${what(request)} *now*? ` +
          'It is announced to the team and reviewed by an approver afterwards.',
      ),
      textInput(BREAK_GLASS_FIELDS.reason, 'Why is this an emergency?', null, {
        multiline: true,
        minLength: 1,
        max: 3000,
      }),
    ],
  };
}

/** Review a break-glass use: a verdict (acceptable / not acceptable) and a note (required). */
export function buildBreakGlassReviewModal(
  request: ModalInput & { requesterSlackId: string; reason: string },
): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.breakGlassReviewModal,
    title: plain('Review break-glass'),
    submit: plain('Record review'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ requestId: request.requestId, channelId: request.channelId }),
    blocks: [
      section(
        `<@${request.requesterSlackId}> broke glass for ${what(request)}:\n>${truncate(escapeMrkdwn(request.reason), 1500)}`,
      ),
      input(BREAK_GLASS_FIELDS.verdict, 'Verdict', {
        type: 'radio_buttons',
        options: [option('Acceptable', 'acceptable'), option('Not acceptable', 'not_acceptable')],
      }),
      textInput(BREAK_GLASS_FIELDS.note, 'Note', null, { multiline: true, minLength: 1, max: 3000 }),
    ],
  };
}
