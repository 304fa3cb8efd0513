import type { EscalationRecord } from '../../services/requests/escalate.ts';
import { requestAwaitedApprovers } from '../../services/requests/stages.ts';
import type { RequestRow } from '../../services/requests/store.ts';
import { slackDate } from './kit/date.ts';
import { escapeMrkdwn, LIMITS, truncate } from './kit/limits.ts';
import { messageLink } from './kit/links.ts';

type Notified = Pick<
  RequestRow,
  'action' | 'resource' | 'requesterSlackId' | 'channelId' | 'messageTs' | 'expiresAt' | 'approverIds' | 'votes'
>;

const what = (request: Notified) =>
  `\`${truncate(escapeMrkdwn(request.action), 500)}\` on \`${truncate(escapeMrkdwn(request.resource), 500)}\``;

/** A link to the card, or to its channel while it is not posted. */
function cardLink(request: Notified): string {
  return request.messageTs === null
    ? `<#${request.channelId}>`
    : `<${messageLink(request.channelId, request.messageTs)}|the approval card>`;
}

/**
 * The approvers who have not voted yet (never the requester): whom a reminder mentions. With stages,
 * only the current stage's: a later stage is not chased before it starts.
 */
export function waitingApprovers(
  request: Pick<RequestRow, 'approverIds' | 'votes' | 'requesterSlackId' | 'workflow' | 'stageApprovers'>,
): string[] {
  return requestAwaitedApprovers(request);
}

/** The reminder posted in the card's thread, mentioning `waiting`. */
export function reminderText(request: Notified, waiting: readonly string[]): string {
  const mentions = waiting.map((id) => `<@${id}>`).join(' ');
  return truncate(
    `:alarm_clock: Reminder: this request is still waiting for a decision. ${mentions} — it expires ${slackDate(request.expiresAt)}.`,
    LIMITS.sectionText,
  );
}

/** The DM warning the requester that their request is about to expire undecided. */
export function expiryWarningText(request: Notified): string {
  return `:hourglass_flowing_sand: Your request for ${what(request)} has not been decided yet and expires ${slackDate(request.expiresAt)}. Chase the approvers on ${cardLink(request)}, or ask again later.`;
}

/** The DM to a person an escalation level added to the approvers. */
export function escalatedDmText(request: Notified, record: EscalationRecord): string {
  return `:arrow_double_up: A request was escalated to you (level ${record.level}): <@${request.requesterSlackId}> asks for ${what(request)}, undecided so far. You can now approve or deny it on ${cardLink(request)}; it expires ${slackDate(request.expiresAt)}.`;
}

/** The post in an escalation level's channel. */
export function escalatedChannelText(request: Notified, record: EscalationRecord): string {
  const to = record.approvers.length === 0 ? '' : ` to ${record.approvers.map((id) => `<@${id}>`).join(', ')}`;
  return truncate(
    `:arrow_double_up: Escalated${to} (level ${record.level}): <@${request.requesterSlackId}> asks for ${what(request)}, undecided so far — see ${cardLink(request)}. It expires ${slackDate(request.expiresAt)}.`,
    LIMITS.sectionText,
  );
}
