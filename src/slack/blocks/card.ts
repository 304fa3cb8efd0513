import type { KnownBlock, MrkdwnElement } from '@slack/types';
import { decidedStatus } from '../../domain/request-status.ts';
import { requesterMention } from '../../domain/requester.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { STANDING_APPROVAL_SECONDS, standingScopeOf } from '../../services/standing/standing-approvals.ts';
import { ACTION_IDS } from '../ids.ts';
import { breakGlassBlocks } from './card-break-glass.ts';
import { escalationBlocks } from './card-escalation.ts';
import { needsInfoCardBlocks } from './card-needs-info.ts';
import { routingNoteBlocks } from './card-routing-notes.ts';
import { stageBlocks } from './card-stages.ts';
import { extensionCardBlocks } from './extension-blocks.ts';
import { describeDecider } from './kit/actor.ts';
import { slackDate } from './kit/date.ts';
import { button, confirm } from './kit/elements.ts';
import { grantStatusLine, revokeButton } from './kit/grant.ts';
import { escapeMrkdwn, LIMITS, truncate } from './kit/limits.ts';
import { riskBadge } from './kit/risk.ts';
import { context, header, mrkdwn, section } from './kit/text.ts';

const STATUS_LABEL: Record<Exclude<RequestRow['status'], 'pending'>, { emoji: string; label: string }> = {
  approved: { emoji: ':white_check_mark:', label: 'Approved' },
  denied: { emoji: ':no_entry:', label: 'Denied' },
  expired: { emoji: ':hourglass:', label: 'Expired' },
  cancelled: { emoji: ':heavy_multiplication_x:', label: 'Cancelled' },
  executed: { emoji: ':rocket:', label: 'Executed' },
  revoked: { emoji: ':leftwards_arrow_with_hook:', label: 'Revoked' },
  lapsed: { emoji: ':hourglass:', label: 'Lapsed' },
};

/** The requester as shown: a mention, or an unlinked GitHub login (escaped) with its warning. */
function escapeRequester(requester: string): string {
  return requesterMention(escapeMrkdwn(requester));
}

/** The most context fields shown before the rest are summarised (keeps the card far below 50 blocks). */
const MAX_CONTEXT_FIELDS = 20;

function field(label: string, value: string): MrkdwnElement {
  return mrkdwn(`*${label}*\n${value}`, LIMITS.fieldText);
}

/** The request's context fields, ten to a section, with a line saying how many more there are. */
function contextBlocks(fields: Record<string, unknown>): KnownBlock[] {
  const entries = Object.entries(fields);
  if (entries.length === 0) return [];
  const shown = entries
    .slice(0, MAX_CONTEXT_FIELDS)
    .map(([key, value]) => field(truncate(escapeMrkdwn(key), 100), truncate(escapeMrkdwn(String(value)), 500) || ' '));
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < shown.length; i += LIMITS.sectionFields) {
    blocks.push({ type: 'section', fields: shown.slice(i, i + LIMITS.sectionFields) });
  }
  if (entries.length > MAX_CONTEXT_FIELDS) {
    blocks.push(context(`…and ${entries.length - MAX_CONTEXT_FIELDS} more context fields (see the API for all).`));
  }
  return blocks;
}

/** ` via Claude Code 1.0.3` for a request an agent made through /mcp (its client's own name, escaped); else nothing. */
function viaMcpClient(request: RequestRow): string {
  if (request.mcpClientName === null) return '';
  const client = `${request.mcpClientName} ${request.mcpClientVersion ?? ''}`.trim();
  return ` via ${truncate(escapeMrkdwn(client), 120)}`;
}

/**
 * The one-line decision: on the decided card, in its thread, and in the requester's DM. It says how
 * the request was decided — an approval stays "Approved" after its grant was executed, revoked or
 * lapsed (grantStatusLine says that).
 */
export function decisionSummary(request: RequestRow): string {
  const decided = decidedStatus(request.status);
  if (decided === 'pending') return 'Pending';
  const { emoji, label } = STATUS_LABEL[decided];
  const decider = describeDecider(request);
  const who = decider === '' ? '' : ` ${decider}`;
  const when = request.decidedAt === null ? '' : ` ${slackDate(request.decidedAt)}`;
  const reason = request.decisionReason ? `\n>${truncate(escapeMrkdwn(request.decisionReason), 1500)}` : '';
  return `${emoji} *${label}*${who}${when}${reason}`;
}

function progressText(request: RequestRow): string | null {
  const approvals = request.votes.filter((vote) => vote.decision === 'approve');
  if (request.requiredApprovals <= 1 && approvals.length === 0) return null;
  const names = approvals.map((vote) => `<@${vote.voterId}>`).join(', ');
  return `*Approvals:* ${approvals.length} of ${request.requiredApprovals}${names ? ` (${names})` : ''}`;
}

/**
 * The approval card: what is asked, by whom, why, every context field, when it was asked and
 * when it expires, the request id, and Approve/Deny while pending; once decided, the outcome
 * instead of buttons — for an approval also how its grant stands, with Revoke access while it can
 * still be used. Stays inside Block Kit limits whatever the input.
 */
export function buildCard(request: RequestRow): { text: string; blocks: KnownBlock[] } {
  const title = `${request.status === 'pending' ? 'Approval requested' : STATUS_LABEL[request.status].label}: ${request.action}`;
  const blocks: KnownBlock[] = [
    header(title),
    {
      type: 'section',
      fields: [
        field('Action', `\`${truncate(escapeMrkdwn(request.action), 500)}\``),
        field('Resource', `\`${truncate(escapeMrkdwn(request.resource), 500)}\``),
        field('Environment', request.environment ? truncate(escapeMrkdwn(request.environment), 200) : '_not given_'),
        field('Risk', riskBadge(request.risk)),
        field('Requested by', escapeRequester(request.requesterSlackId)),
        field(request.status === 'pending' ? 'Expires' : 'Deadline was', slackDate(request.expiresAt)),
      ],
    },
    section(`*Reason*\n${escapeMrkdwn(request.reason)}`),
    ...contextBlocks((request.context ?? {}) as Record<string, unknown>),
  ];
  // A chain shows its stages instead of one count toward quorum.
  const stages = stageBlocks(request);
  const progress = stages.length > 0 ? null : progressText(request);
  blocks.push(...stages);
  if (progress !== null) blocks.push(section(progress));
  blocks.push(...escalationBlocks(request));
  if (request.status === 'pending') {
    const approve = button('Approve', ACTION_IDS.approve, request.id, 'primary');
    if (request.risk === 'critical') {
      approve.confirm = confirm({
        title: 'Approve a critical action?',
        text: `You are approving \`${escapeMrkdwn(request.action)}\` on \`${escapeMrkdwn(request.resource)}\`.`,
        yes: 'Approve',
        no: 'Cancel',
        style: 'primary',
      });
    }
    blocks.push({
      type: 'actions',
      block_id: 'decision',
      elements: [
        approve,
        // An MCP tool call may be approved for a while: later identical calls run at once (standing-approvals.ts).
        ...(standingScopeOf(request) === null
          ? []
          : [
              button(
                `Approve this tool for ${STANDING_APPROVAL_SECONDS / 60} minutes`,
                ACTION_IDS.approveForWhile,
                request.id,
              ),
            ]),
        button('Deny', ACTION_IDS.deny, request.id, 'danger'),
      ],
    });
  } else {
    const grant = grantStatusLine(request);
    blocks.push(section(grant === null ? decisionSummary(request) : `${decisionSummary(request)}\n${grant}`));
    if (request.status === 'approved') {
      blocks.push({ type: 'actions', block_id: 'grant', elements: [revokeButton(request)] });
    }
  }
  blocks.push(...needsInfoCardBlocks(request), ...extensionCardBlocks(request));
  blocks.push(...breakGlassBlocks(request));
  blocks.push(...routingNoteBlocks(request));
  const rule = request.ruleName === null ? 'default route' : `rule “${escapeMrkdwn(request.ruleName)}”`;
  blocks.push(
    context(`Requested ${slackDate(request.createdAt)}${viaMcpClient(request)} · ${rule} · ID \`${request.id}\``),
  );
  const text = truncate(
    `${title} on ${request.resource} by ${escapeRequester(request.requesterSlackId)} — ${request.status}`,
    LIMITS.sectionText,
  );
  return { text, blocks };
}
