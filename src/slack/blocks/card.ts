import type { KnownBlock } from '@slack/types';
import type { RequestRow } from '../../services/request-view.ts';
import { ACTION_IDS } from '../ids.ts';
import { escapeMrkdwn, LIMITS, truncate } from './kit/limits.ts';

const RISK_LABEL: Record<RequestRow['risk'], string> = {
  low: ':large_green_circle: Low',
  medium: ':large_yellow_circle: Medium',
  high: ':large_orange_circle: High',
  critical: ':red_circle: Critical',
};

const OUTCOME: Record<Exclude<RequestRow['status'], 'pending'>, { emoji: string; label: string }> = {
  approved: { emoji: ':white_check_mark:', label: 'Approved' },
  denied: { emoji: ':no_entry:', label: 'Denied' },
  expired: { emoji: ':hourglass:', label: 'Expired' },
  cancelled: { emoji: ':heavy_multiplication_x:', label: 'Cancelled' },
  executed: { emoji: ':rocket:', label: 'Executed' },
  revoked: { emoji: ':leftwards_arrow_with_hook:', label: 'Revoked' },
  lapsed: { emoji: ':hourglass:', label: 'Lapsed' },
};

/** The most context fields shown before the rest are summarised (keeps the card far below 50 blocks). */
const MAX_CONTEXT_FIELDS = 20;

/** Slack date formatting: every viewer sees `at` in their own time zone; the fallback is UTC. */
export function slackDate(at: Date, format = '{date_short_pretty} at {time}'): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  return `<!date^${seconds}^${format}|${fallback}>`;
}

function field(label: string, value: string) {
  return { type: 'mrkdwn' as const, text: truncate(`*${label}*\n${value}`, LIMITS.fieldText) };
}

function contextBlocks(context: Record<string, unknown>): KnownBlock[] {
  const entries = Object.entries(context);
  if (entries.length === 0) return [];
  const shown = entries
    .slice(0, MAX_CONTEXT_FIELDS)
    .map(([key, value]) => field(truncate(escapeMrkdwn(key), 100), truncate(escapeMrkdwn(String(value)), 500) || ' '));
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < shown.length; i += LIMITS.sectionFields) {
    blocks.push({ type: 'section', fields: shown.slice(i, i + LIMITS.sectionFields) });
  }
  if (entries.length > MAX_CONTEXT_FIELDS) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${entries.length - MAX_CONTEXT_FIELDS} more context fields (see the API for all).`,
        },
      ],
    });
  }
  return blocks;
}

/** Who decided, for people: a user mention, a service's name, or the rule that decided automatically. */
export function describeDecider(decidedBy: string): string {
  if (decidedBy.startsWith('service:')) return `by ${escapeMrkdwn(decidedBy.slice('service:'.length))}`;
  if (decidedBy.startsWith('rule:')) return `automatically by rule “${escapeMrkdwn(decidedBy.slice('rule:'.length))}”`;
  return `by <@${decidedBy}>`;
}

/** One-line outcome for the card, thread reply and DM. */
export function outcomeText(request: RequestRow): string {
  if (request.status === 'pending') return 'Pending';
  const { emoji, label } = OUTCOME[request.status];
  const who = request.decidedBy === null ? '' : ` ${describeDecider(request.decidedBy)}`;
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
 * instead of buttons. Stays inside Block Kit limits whatever the input.
 */
export function buildCard(request: RequestRow): { text: string; blocks: KnownBlock[] } {
  const title = `${request.status === 'pending' ? 'Approval requested' : OUTCOME[request.status].label}: ${request.action}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, LIMITS.headerText), emoji: true } },
    {
      type: 'section',
      fields: [
        field('Action', `\`${truncate(escapeMrkdwn(request.action), 500)}\``),
        field('Resource', `\`${truncate(escapeMrkdwn(request.resource), 500)}\``),
        field('Environment', request.environment ? truncate(escapeMrkdwn(request.environment), 200) : '_not given_'),
        field('Risk', RISK_LABEL[request.risk]),
        field('Requested by', `<@${request.requesterSlackId}>`),
        field(request.status === 'pending' ? 'Expires' : 'Deadline was', slackDate(request.expiresAt)),
      ],
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Reason*\n${escapeMrkdwn(request.reason)}`, LIMITS.sectionText) },
    },
    ...contextBlocks((request.context ?? {}) as Record<string, unknown>),
  ];
  const progress = progressText(request);
  if (progress !== null) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: progress } });
  if (request.status === 'pending') {
    const approve = {
      type: 'button' as const,
      action_id: ACTION_IDS.approve,
      text: { type: 'plain_text' as const, text: 'Approve' },
      style: 'primary' as const,
      value: request.id,
      ...(request.risk === 'critical'
        ? {
            confirm: {
              title: { type: 'plain_text' as const, text: 'Approve a critical action?' },
              text: {
                type: 'mrkdwn' as const,
                text: truncate(
                  `You are approving \`${escapeMrkdwn(request.action)}\` on \`${escapeMrkdwn(request.resource)}\`.`,
                  300,
                ),
              },
              confirm: { type: 'plain_text' as const, text: 'Approve' },
              deny: { type: 'plain_text' as const, text: 'Cancel' },
              style: 'primary' as const,
            },
          }
        : {}),
    };
    blocks.push({
      type: 'actions',
      block_id: 'decision',
      elements: [
        approve,
        {
          type: 'button',
          action_id: ACTION_IDS.deny,
          text: { type: 'plain_text', text: 'Deny' },
          style: 'danger',
          value: request.id,
        },
      ],
    });
  } else {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(outcomeText(request), LIMITS.sectionText) },
    });
  }
  const rule = request.ruleName === null ? 'default route' : `rule “${escapeMrkdwn(request.ruleName)}”`;
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: truncate(
          `Requested ${slackDate(request.createdAt)} · ${rule} · ID \`${request.id}\``,
          LIMITS.sectionText,
        ),
      },
    ],
  });
  const text = truncate(
    `${title} on ${request.resource} by <@${request.requesterSlackId}> — ${request.status}`,
    LIMITS.sectionText,
  );
  return { text, blocks };
}
