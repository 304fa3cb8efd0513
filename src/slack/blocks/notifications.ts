import type { RequestRow } from '../../services/requests/store.ts';
import { decisionSummary } from './card.ts';
import { slackDate } from './kit/date.ts';

/** A link that opens a message (the card) in Slack. */
export function messageLink(channel: string, ts: string): string {
  return `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

export type DmKind = 'submitted' | 'outcome' | 'card_failed';

/** What the requester is told by DM: the request is waiting, its card failed, or how it was decided. */
export function dmText(request: RequestRow, kind: DmKind): string {
  const what = `\`${request.action}\` on \`${request.resource}\``;
  switch (kind) {
    case 'submitted': {
      const link =
        request.messageTs === null
          ? `<#${request.channelId}>`
          : `<${messageLink(request.channelId, request.messageTs)}|the approval card>`;
      return `Your request for ${what} is waiting for approval: ${link}. It expires ${slackDate(request.expiresAt)}.`;
    }
    case 'card_failed':
      return `:warning: Your request for ${what} could not be shown to approvers in <#${request.channelId}> (Slack said \`${request.slackError}\`). Ask an admin to fix the approval channel; the request expires ${slackDate(request.expiresAt)} unless decided.`;
    case 'outcome':
      return `Your request for ${what}: ${decisionSummary(request)}`;
  }
}
