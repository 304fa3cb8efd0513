import type { KnownBlock } from '@slack/types';
import { parseActorKey } from '../../domain/actor.ts';
import { breakGlassAllowed } from '../../services/requests/break-glass.ts';
import type { RequestRow } from '../../services/requests/store.ts';
import { ACTION_IDS } from '../ids.ts';
import { slackDate } from './kit/date.ts';
import { button, confirm } from './kit/elements.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { messageLink } from './kit/links.ts';
import { context, section } from './kit/text.ts';

const VERDICT_LABEL = {
  acceptable: ':white_check_mark: *Acceptable*',
  not_acceptable: ':x: *Not acceptable*',
} as const;

/** The **Break glass** button: offered to the requester (their DM, and the card — the press is checked on the server). */
export function breakGlassButton(request: Pick<RequestRow, 'id'>) {
  return {
    ...button('Break glass', ACTION_IDS.breakGlass, request.id, 'danger'),
    confirm: confirm({
      title: 'Break glass?',
      text: 'This approves your own request at once, is announced loudly, and is reviewed afterwards. Use it only in an emergency.',
      yes: 'Continue',
      no: 'Cancel',
      style: 'danger',
    }),
  };
}

/** Whether a pending request offers break-glass (its rule allows it). */
export function offersBreakGlass(request: RequestRow): boolean {
  return request.status === 'pending' && breakGlassAllowed(request);
}

/**
 * Who broke the glass, as a sentence's subject and verb: the requester approving their own request,
 * or the service that created it with break-glass, on the requester's behalf — never shown as the
 * person's own act when a service did it.
 */
export function breakGlassUse(request: Pick<RequestRow, 'decidedBy' | 'requesterSlackId'>): string {
  const by = request.decidedBy === null ? null : parseActorKey(request.decidedBy);
  if (by?.type === 'service') {
    return `service ${escapeMrkdwn(by.id)} broke glass on behalf of <@${request.requesterSlackId}> and approved their request`;
  }
  return `<@${request.requesterSlackId}> approved their own request`;
}

/** The verdict line of a reviewed break-glass use. */
function reviewLine(request: RequestRow): string | null {
  if (request.breakGlassReviewedAt === null || request.breakGlassVerdict === null) return null;
  const verdict = VERDICT_LABEL[request.breakGlassVerdict as keyof typeof VERDICT_LABEL] ?? request.breakGlassVerdict;
  const note = request.breakGlassReviewNote ? `\n>${truncate(escapeMrkdwn(request.breakGlassReviewNote), 1000)}` : '';
  return `*Break-glass review:* ${verdict} by <@${request.breakGlassReviewedBy}> ${slackDate(request.breakGlassReviewedAt)}${note}`;
}

/**
 * Break-glass on the card: while pending (and allowed), the requester's **Break glass** button; once
 * used, a loud line saying so with the justification, then **Review** until a routed approver has
 * recorded a verdict, and the verdict after.
 */
export function breakGlassBlocks(request: RequestRow): KnownBlock[] {
  if (offersBreakGlass(request)) {
    return [
      { type: 'actions', block_id: 'break_glass', elements: [breakGlassButton(request)] },
      context(`Emergency: only <@${request.requesterSlackId}> can break glass; it is announced and reviewed.`),
    ];
  }
  if (request.breakGlassReason === null) return [];
  const blocks: KnownBlock[] = [
    section(
      `:rotating_light: *Break-glass:* ${breakGlassUse(request)}.\n>${truncate(escapeMrkdwn(request.breakGlassReason), 1500)}`,
    ),
  ];
  const review = reviewLine(request);
  if (review !== null) blocks.push(section(review));
  else {
    blocks.push({
      type: 'actions',
      block_id: 'break_glass_review',
      elements: [button('Review', ACTION_IDS.breakGlassReview, request.id, 'primary')],
    });
  }
  return blocks;
}

/** The loud announcement of a break-glass use, in the rule's break-glass channel (or the card's). */
export function breakGlassAnnouncement(request: RequestRow): { text: string; blocks: KnownBlock[] } {
  const what = `\`${truncate(escapeMrkdwn(request.action), 200)}\` on \`${truncate(escapeMrkdwn(request.resource), 300)}\``;
  const card =
    request.messageTs === null
      ? 'the approval card'
      : `<${messageLink(request.channelId, request.messageTs)}|the approval card>`;
  const text = `:rotating_light: BREAK-GLASS: ${breakGlassUse(request)} for ${what}`;
  return {
    text,
    blocks: [
      section(
        `:rotating_light: *BREAK-GLASS USED* :rotating_light:\n${breakGlassUse(request)} for ${what}` +
          `${request.environment ? ` in *${escapeMrkdwn(request.environment)}*` : ''} (${request.risk} risk)` +
          `${request.decidedAt === null ? '' : ` ${slackDate(request.decidedAt)}`}.`,
      ),
      section(`*Justification*\n>${truncate(escapeMrkdwn(request.breakGlassReason ?? ''), 1500)}`),
      context(`A routed approver reviews it on ${card} · ID \`${request.id}\``),
    ],
  };
}
