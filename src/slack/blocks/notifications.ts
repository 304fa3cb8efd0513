import type { KnownBlock } from '@slack/types';
import type { RequestRow } from '../../services/requests/store.ts';
import { decisionSummary } from './card.ts';
import { breakGlassButton, offersBreakGlass } from './card-break-glass.ts';
import { requestExtensionButton } from './extension-blocks.ts';
import { describeActorKey } from './kit/actor.ts';
import { slackDate } from './kit/date.ts';
import { offersGrant, showGrantButton } from './kit/grant.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { messageLink } from './kit/links.ts';
import { section } from './kit/text.ts';

/**
 * What a DM to the requester is about: the request is waiting, its card failed, how it was decided,
 * or (after an approval) that their access was revoked or lapsed.
 */
export type DmKind = 'submitted' | 'outcome' | 'card_failed' | 'grant_ended';

/**
 * What the requester is told by DM, as plain mrkdwn (the notification text). `madeBy` names the API
 * client that made the request in the requester's name (their confirmation then says so).
 */
export function dmText(request: RequestRow, kind: DmKind, madeBy?: string): string {
  const what = `\`${request.action}\` on \`${request.resource}\``;
  switch (kind) {
    case 'submitted': {
      const link =
        request.messageTs === null
          ? `<#${request.channelId}>`
          : `<${messageLink(request.channelId, request.messageTs)}|the approval card>`;
      if (madeBy !== undefined) return madeInYourName(request, what, link, madeBy);
      return `Your request for ${what} is waiting for approval: ${link}. It expires ${slackDate(request.expiresAt)}.`;
    }
    case 'card_failed':
      return `:warning: Your request for ${what} could not be shown to approvers in <#${request.channelId}> (Slack said \`${request.slackError}\`). Ask an admin to fix the approval channel; the request expires ${slackDate(request.expiresAt)} unless decided.`;
    case 'outcome':
      return `Your request for ${what}: ${decisionSummary(request)}`;
    case 'grant_ended':
      return grantEndedText(request, what);
  }
}

/**
 * The confirmation to a person a service named as requester: the service acted in their name — made
 * the request, or broke the glass and approved it at once — with a link to the card, so nobody learns
 * of an act in their name only from the audit trail.
 */
function madeInYourName(request: RequestRow, what: string, link: string, service: string): string {
  const name = `*${escapeMrkdwn(service)}*`;
  if (request.breakGlassReason !== null && request.decidedBy?.startsWith('service:')) {
    return `:rotating_light: Service ${name} invoked break-glass in your name for ${what} and approved it at once: ${link}. It is announced and will be reviewed; if you did not expect this, tell your security team.`;
  }
  const stands =
    request.status === 'pending'
      ? `It is waiting for approval (you cannot approve it yourself) and expires ${slackDate(request.expiresAt)}.`
      : decisionSummary(request);
  return `Service ${name} made a request in your name for ${what}: ${link}. ${stands}`;
}

/** "Your access … was revoked by @x: reason" / "… lapsed unused": the DM when a grant ends unused. */
function grantEndedText(request: RequestRow, what: string): string {
  const when = request.grantEndedAt === null ? '' : ` ${slackDate(request.grantEndedAt)}`;
  if (request.status === 'lapsed') {
    return `:hourglass: Your access for ${what} lapsed unused${when}: its window ended before it was used. Ask again if you still need it.`;
  }
  const by = request.grantEndedBy === null ? '' : ` ${describeActorKey(request.grantEndedBy, request)}`;
  const reason = request.grantEndReason ? `: ${truncate(escapeMrkdwn(request.grantEndReason), 1500)}` : '.';
  return `:leftwards_arrow_with_hook: Your access for ${what} was revoked${by}${when}${reason}`;
}

/**
 * The DM itself: its text, and blocks where it offers something to press — an approved request made
 * in Slack gets **Show grant** in its outcome DM, so the requester can fetch the token, and **Request
 * extension** to ask the approvers for more time (extension-blocks.ts). `madeBy` is the service that
 * made the request in the requester's name, as for `dmText`.
 */
export function dmMessage(request: RequestRow, kind: DmKind, madeBy?: string): { text: string; blocks?: KnownBlock[] } {
  const text = dmText(request, kind, madeBy);
  // Break-glass: the requester's way to approve at once in an emergency, where the rule allows it.
  if (kind === 'submitted' && offersBreakGlass(request)) {
    return {
      text,
      blocks: [section(text), { type: 'actions', block_id: 'break_glass', elements: [breakGlassButton(request)] }],
    };
  }
  if (kind !== 'outcome' || !offersGrant(request)) return { text };
  return {
    text,
    blocks: [
      section(text),
      { type: 'actions', block_id: 'grant', elements: [showGrantButton(request), requestExtensionButton(request)] },
    ],
  };
}
