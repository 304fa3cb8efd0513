import type { RequestRow } from '../../services/requests/store.ts';
import { slackDate } from './kit/date.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { messageLink } from './kit/links.ts';

/**
 * The DM an approver gets for a new request (APPROVER_DMS): what is asked, by whom, and a link to
 * the card where they decide (or its channel, when the card could not be posted).
 */
export function approverDmText(request: RequestRow): string {
  const what = `\`${truncate(escapeMrkdwn(request.action), 200)}\` on \`${truncate(escapeMrkdwn(request.resource), 300)}\``;
  const where =
    request.messageTs === null
      ? `in <#${request.channelId}>`
      : `<${messageLink(request.channelId, request.messageTs)}|on its card>`;
  return `:raising_hand: <@${request.requesterSlackId}> asks for your approval: ${what} (${request.risk} risk). Decide ${where}; it expires ${slackDate(request.expiresAt)}.`;
}
