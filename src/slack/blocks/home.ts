import type { ActionsBlock, Button, HomeView, KnownBlock } from '@slack/types';
import { describeTimeCondition } from '../../domain/policy.ts';
import type { HomeData, HomePages, HomeSection } from '../../services/home.ts';
import type { RequestRow } from '../../services/request-view.ts';
import type { RuleRow } from '../../services/rules.ts';
import { ACTION_IDS, COMMAND_REQUEST_ACTION } from '../ids.ts';
import { slackDate } from './card.ts';
import { escapeMrkdwn, LIMITS, truncate } from './kit/limits.ts';

function plain(text: string) {
  return { type: 'plain_text' as const, text: truncate(text, LIMITS.buttonText), emoji: true };
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: plain(text), action_id: actionId, value, ...(style ? { style } : {}) };
}

/** A confirmation dialog on a button. */
function confirm(title: string, text: string, yes: string, style?: 'danger') {
  return {
    title: { type: 'plain_text' as const, text: title },
    text: { type: 'mrkdwn' as const, text: truncate(text, 300) },
    confirm: { type: 'plain_text' as const, text: yes },
    deny: { type: 'plain_text' as const, text: 'Keep it' },
    ...(style ? { style } : {}),
  };
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true } };
}

function summary(request: RequestRow): string {
  return `*\`${truncate(escapeMrkdwn(request.action), 200)}\`* on \`${truncate(escapeMrkdwn(request.resource), 300)}\``;
}

/** Previous/Next buttons for a section; the value carries every section's page. */
function pager(pages: HomePages, sectionName: HomeSection, page: number, hasMore: boolean): ActionsBlock | null {
  const elements: Button[] = [];
  if (page > 0)
    elements.push(
      button(
        'Previous',
        `${ACTION_IDS.page}_${sectionName}_prev`,
        JSON.stringify({ ...pages, [sectionName]: page - 1 }),
      ),
    );
  if (hasMore)
    elements.push(
      button('Next', `${ACTION_IDS.page}_${sectionName}_next`, JSON.stringify({ ...pages, [sectionName]: page + 1 })),
    );
  return elements.length === 0 ? null : { type: 'actions', block_id: `page_${sectionName}`, elements };
}

export function describeRule(rule: RuleRow): string {
  const when = [
    `action \`${escapeMrkdwn(rule.actionPattern)}\``,
    `resource \`${escapeMrkdwn(rule.resourcePattern)}\``,
    rule.environments.length > 0 ? `env ${rule.environments.map(escapeMrkdwn).join(', ')}` : null,
    rule.minRisk ? `risk ≥ ${rule.minRisk}` : null,
    rule.timeCondition ? describeTimeCondition(rule.timeCondition) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const then =
    rule.outcome === 'auto_approve'
      ? 'approve automatically'
      : rule.outcome === 'auto_deny'
        ? `deny automatically${rule.denyMessage ? `: “${escapeMrkdwn(rule.denyMessage)}”` : ''}`
        : `${rule.requiredApprovals} of ${rule.approvers.map((a) => (a.startsWith('S') ? `<!subteam^${a}>` : `<@${a}>`)).join(', ')}` +
          `${rule.channelId ? ` in <#${rule.channelId}>` : ''}` +
          `${rule.ttlSeconds ? `, ${rule.ttlSeconds}s to decide` : ''}${rule.grantSeconds ? `, valid ${rule.grantSeconds}s` : ''}` +
          `${rule.requireReason ? ', reason required' : ''}`;
  return `${rule.enabled ? '' : ':no_entry_sign: *disabled* · '}*${escapeMrkdwn(rule.name)}*\nWhen ${when}\nThen ${then}`;
}

/**
 * The App Home: everyone's open requests (Cancel), requests awaiting their approval (Approve/Deny),
 * their recent decisions; for admins also the routing rules and API keys. Every list is paged, so
 * the view stays inside Slack's 100 blocks however many rows exist.
 */
export function buildHomeView(data: HomeData, pages: HomePages = {}): HomeView {
  const blocks: KnownBlock[] = [
    header('Greenlight'),
    section(
      `Welcome, <@${data.userId}>. Greenlight holds dangerous actions until the right people approve them. ` +
        `Ask with \`${COMMAND_REQUEST_ACTION}\`; services call \`POST /api/v1/requests\`.`,
    ),
    { type: 'divider' },
    header('Waiting for your approval'),
  ];
  if (data.awaiting.items.length === 0) blocks.push(section('_Nothing is waiting for you._'));
  for (const request of data.awaiting.items) {
    blocks.push(
      section(
        `${summary(request)} · ${request.risk} risk\nBy <@${request.requesterSlackId}>: ${truncate(escapeMrkdwn(request.reason), 300)}\nExpires ${slackDate(request.expiresAt)}`,
      ),
      {
        type: 'actions',
        block_id: `awaiting_${request.id}`,
        elements: [
          button('Approve', ACTION_IDS.approve, request.id, 'primary'),
          button('Deny', ACTION_IDS.deny, request.id, 'danger'),
        ],
      },
    );
  }
  const awaitingPager = pager(pages, 'awaiting', data.awaiting.page, data.awaiting.hasMore);
  if (awaitingPager) blocks.push(awaitingPager);

  blocks.push(header('Your open requests'));
  if (data.mine.items.length === 0) blocks.push(section('_You have no open requests._'));
  for (const request of data.mine.items) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `${summary(request)}\nExpires ${slackDate(request.expiresAt)} · <#${request.channelId}>`,
          LIMITS.sectionText,
        ),
      },
      accessory: {
        ...button('Cancel', ACTION_IDS.cancel, request.id),
        confirm: confirm('Cancel this request?', 'Approvers will see it was cancelled.', 'Cancel request'),
      },
    });
  }
  const minePager = pager(pages, 'mine', data.mine.page, data.mine.hasMore);
  if (minePager) blocks.push(minePager);

  blocks.push(header('Your recent decisions'));
  if (data.decisions.items.length === 0) blocks.push(section('_No decisions yet._'));
  else {
    const lines = data.decisions.items.map(
      ({ request, decision, at }) =>
        `${decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry: Denied'} ${summary(request)} ${slackDate(at)} — now *${request.status}*`,
    );
    blocks.push(section(lines.join('\n')));
  }
  const decisionsPager = pager(pages, 'decisions', data.decisions.page, data.decisions.hasMore);
  if (decisionsPager) blocks.push(decisionsPager);

  if (data.rules !== undefined && data.keys !== undefined) {
    blocks.push({ type: 'divider' }, header('Routing rules'), {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `First enabled match wins, top to bottom; no match uses the default route. ${data.rules.total} rule(s).`,
        },
      ],
    });
    blocks.push({
      type: 'actions',
      block_id: 'rules_toolbar',
      elements: [
        button('Add rule', ACTION_IDS.ruleAdd, 'new', 'primary'),
        button('Test a request', ACTION_IDS.ruleTest, 'test'),
      ],
    });
    for (const rule of data.rules.items) {
      blocks.push(section(describeRule(rule)), {
        type: 'actions',
        block_id: `rule_${rule.id}`,
        elements: [
          button('Edit', ACTION_IDS.ruleEdit, rule.id),
          button('Move up', ACTION_IDS.ruleUp, rule.id),
          button('Move down', ACTION_IDS.ruleDown, rule.id),
          button(rule.enabled ? 'Disable' : 'Enable', ACTION_IDS.ruleToggle, rule.id),
          {
            ...button('Delete', ACTION_IDS.ruleDelete, rule.id, 'danger'),
            confirm: confirm(
              'Delete this rule?',
              `“${escapeMrkdwn(rule.name)}” stops routing requests.`,
              'Delete',
              'danger',
            ),
          },
        ],
      });
    }
    const rulesPager = pager(pages, 'rules', data.rules.page, data.rules.hasMore);
    if (rulesPager) blocks.push(rulesPager);

    blocks.push(header('API keys'), {
      type: 'actions',
      block_id: 'keys_toolbar',
      elements: [button('Create API key', ACTION_IDS.keyCreate, 'new', 'primary')],
    });
    if (data.keys.items.length === 0) blocks.push(section('_No API keys._'));
    for (const key of data.keys.items) {
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            `*${escapeMrkdwn(key.name)}* · \`${escapeMrkdwn(key.keyPrefix)}…\` · ${key.origin === 'env' ? 'from SERVICE_API_KEYS' : `created by <@${key.createdBy}>`} ${slackDate(key.createdAt, '{date_short}')}`,
            LIMITS.sectionText,
          ),
        },
        ...(key.origin === 'admin'
          ? {
              accessory: {
                ...button('Revoke', ACTION_IDS.keyRevoke, key.id, 'danger'),
                confirm: confirm(
                  'Revoke this key?',
                  `Calls with “${escapeMrkdwn(key.name)}” fail at once.`,
                  'Revoke',
                  'danger',
                ),
              },
            }
          : {}),
      });
    }
    const keysPager = pager(pages, 'keys', data.keys.page, data.keys.hasMore);
    if (keysPager) blocks.push(keysPager);
  }
  return { type: 'home', private_metadata: JSON.stringify(pages), blocks };
}
