import type { ActionsBlock, Button, HomeView, KnownBlock } from '@slack/types';
import { describeTimeCondition } from '../../domain/policy.ts';
import { isGrantEnd } from '../../domain/request-status.ts';
import { requesterMention } from '../../domain/requester.ts';
import type { HomeData, Page } from '../../services/home/home-data.ts';
import type { HomePages, HomeSection } from '../../services/home/home-pages.ts';
import type { IdentityLinkSummary } from '../../services/identities/identities.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import type { RuleRow } from '../../services/routing/rule-row.ts';
import { ACTION_IDS, COMMAND_REQUEST_ACTION } from '../ids.ts';
import { awayAdminBlocks, awayBlocks } from './home-away.ts';
import { unreviewedBreakGlassBlocks } from './home-break-glass.ts';
import { standingApprovalBlocks } from './home-standing.ts';
import { describeDecider } from './kit/actor.ts';
import { slackDate } from './kit/date.ts';
import { button, confirm } from './kit/elements.ts';
import { grantStatusLine, offersGrant, revokeButton, showGrantButton } from './kit/grant.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { context, header, mrkdwn, section } from './kit/text.ts';

function summary(request: RequestRow): string {
  return `*\`${truncate(escapeMrkdwn(request.action), 200)}\`* on \`${truncate(escapeMrkdwn(request.resource), 300)}\``;
}

/** Previous/Next buttons for a section (none when there is one page); the value carries every section's page. */
function pager(
  pages: HomePages,
  sectionName: HomeSection,
  { page, hasMore }: { page: number; hasMore: boolean },
): ActionsBlock[] {
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
  return elements.length === 0 ? [] : [{ type: 'actions', block_id: `page_${sectionName}`, elements }];
}

/** Admins' GitHub login → Slack user links: who a GitHub deployment's requester is in Slack. */
function identitySection(identities: Page<IdentityLinkSummary>, pages: HomePages): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header('GitHub identities'),
    context(
      'Who a GitHub user is in Slack, so deployment cards name them and refuse their own approval. Unlinked users are looked up by public e-mail. A rules file with `identities:` replaces these links whenever it is applied (greenlight rules apply).',
    ),
    {
      type: 'actions',
      block_id: 'identities_toolbar',
      elements: [button('Link GitHub user', ACTION_IDS.identityAdd, 'new', 'primary')],
    },
  ];
  if (identities.items.length === 0) blocks.push(section('_No GitHub users linked._'));
  for (const link of identities.items) {
    blocks.push({
      ...section(`\`${escapeMrkdwn(link.externalLogin)}\` → <@${link.slackUserId}>`),
      accessory: {
        ...button('Remove', ACTION_IDS.identityRemove, link.externalLogin, 'danger'),
        confirm: confirm({
          title: 'Remove this link?',
          text: `GitHub user ${escapeMrkdwn(link.externalLogin)} is no longer named in Slack.`,
          yes: 'Remove',
          style: 'danger',
        }),
      },
    });
  }
  blocks.push(...pager(pages, 'identities', identities));
  return blocks;
}

/** A rule in two lines of mrkdwn: when it applies, and what then happens. */
export function describeRule(rule: RuleRow): string {
  const when = [
    `action ${rule.actionPatterns.map((p) => `\`${escapeMrkdwn(p)}\``).join(' or ')}`,
    `resource ${rule.resourcePatterns.map((p) => `\`${escapeMrkdwn(p)}\``).join(' or ')}`,
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
 * One rule in the admin's list with its buttons. A rule applied from a rules file is "managed as
 * code": instead of Edit, Move, Enable/Disable and Delete it offers only "Detach from file".
 */
function ruleBlocks(rule: RuleRow): KnownBlock[] {
  if (rule.managedBy !== null) {
    return [
      section(describeRule(rule)),
      context(
        ':page_facing_up: *managed as code*: change it in the rules file (`greenlight rules apply`), or detach it to edit it here.',
      ),
      {
        type: 'actions',
        block_id: `rule_${rule.id}`,
        elements: [
          {
            ...button('Detach from file', ACTION_IDS.ruleDetach, rule.id),
            confirm: confirm({
              title: 'Detach from file?',
              text: `“${escapeMrkdwn(rule.name)}” becomes editable here. Applying the rules file again still replaces it (or deletes it if the file no longer has it).`,
              yes: 'Detach',
            }),
          },
        ],
      },
    ];
  }
  return [
    section(describeRule(rule)),
    {
      type: 'actions',
      block_id: `rule_${rule.id}`,
      elements: [
        button('Edit', ACTION_IDS.ruleEdit, rule.id),
        button('Move up', ACTION_IDS.ruleUp, rule.id),
        button('Move down', ACTION_IDS.ruleDown, rule.id),
        button(rule.enabled ? 'Disable' : 'Enable', ACTION_IDS.ruleToggle, rule.id),
        {
          ...button('Delete', ACTION_IDS.ruleDelete, rule.id, 'danger'),
          confirm: confirm({
            title: 'Delete this rule?',
            text: `“${escapeMrkdwn(rule.name)}” stops routing requests.`,
            yes: 'Delete',
            style: 'danger',
          }),
        },
      ],
    },
  ];
}

/**
 * "Active access": approved requests whose grant is unused and which the user may revoke, as their
 * requester or an approver — each with when it was approved and until when it is valid, Revoke
 * access, and for the requester of a request made in Slack, Show grant. Shown only when there is some.
 */
function activeAccess(data: HomeData, pages: HomePages): KnownBlock[] {
  if (data.grants.items.length === 0 && data.grants.page === 0) return [];
  const blocks: KnownBlock[] = [header('Active access')];
  if (data.grants.items.length === 0) blocks.push(section('_No active access on this page._'));
  for (const request of data.grants.items) {
    const approved = request.decidedAt === null ? '' : ` ${slackDate(request.decidedAt)}`;
    const lines = [
      summary(request),
      `Requested by ${requesterMention(escapeMrkdwn(request.requesterSlackId))} · approved ${describeDecider(request)}${approved}`,
      grantStatusLine(request),
    ].filter((line) => line !== null);
    const mine = request.requesterSlackId === data.userId && offersGrant(request);
    blocks.push(section(lines.join('\n')), {
      type: 'actions',
      block_id: `grant_${request.id}`,
      elements: [...(mine ? [showGrantButton(request)] : []), revokeButton(request)],
    });
  }
  blocks.push(...pager(pages, 'grants', data.grants));
  return blocks;
}

/**
 * The App Home: everyone's open requests (Cancel), requests awaiting their approval (Approve/Deny),
 * the access they may still revoke (Revoke access, and Show grant for their own Slack requests),
 * their recent decisions; for admins also Approval stats (a modal), the routing rules, API keys and the audit
 * trail's Export. Every list is paged, so
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
        `${summary(request)} · ${request.risk} risk\nBy ${requesterMention(escapeMrkdwn(request.requesterSlackId))}: ${truncate(escapeMrkdwn(request.reason), 300)}\nExpires ${slackDate(request.expiresAt)}`,
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
  blocks.push(...pager(pages, 'awaiting', data.awaiting));

  blocks.push(header('Your open requests'));
  if (data.mine.items.length === 0) blocks.push(section('_You have no open requests._'));
  for (const request of data.mine.items) {
    blocks.push({
      ...section(`${summary(request)}\nExpires ${slackDate(request.expiresAt)} · <#${request.channelId}>`),
      accessory: {
        ...button('Cancel', ACTION_IDS.cancel, request.id),
        confirm: confirm({
          title: 'Cancel this request?',
          text: 'Approvers will see it was cancelled.',
          yes: 'Cancel request',
        }),
      },
    });
  }
  blocks.push(...pager(pages, 'mine', data.mine));

  blocks.push(...activeAccess(data, pages), ...standingApprovalBlocks(data.standing));

  blocks.push(header('Your recent decisions'));
  if (data.decisions.items.length === 0) blocks.push(section('_No decisions yet._'));
  else {
    const lines = data.decisions.items.map(
      ({ request, decision, at }) =>
        `${decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry: Denied'} ${summary(request)} ${slackDate(at)} — ${
          isGrantEnd(request.status) ? grantStatusLine(request) : `now *${request.status}*`
        }`,
    );
    blocks.push(section(lines.join('\n')));
  }
  blocks.push(...pager(pages, 'decisions', data.decisions));

  blocks.push(...awayBlocks(data));

  if (data.rules !== undefined && data.keys !== undefined) {
    blocks.push(
      { type: 'divider' },
      {
        type: 'actions',
        block_id: 'admin_toolbar',
        elements: [button('Approval stats', ACTION_IDS.stats, 'stats')],
      },
      ...unreviewedBreakGlassBlocks(data.breakGlass),
      header('Routing rules'),
      context(`First enabled match wins, top to bottom; no match uses the default route. ${data.rules.total} rule(s).`),
    );
    blocks.push({
      type: 'actions',
      block_id: 'rules_toolbar',
      elements: [
        button('Add rule', ACTION_IDS.ruleAdd, 'new', 'primary'),
        button('Test a request', ACTION_IDS.ruleTest, 'test'),
      ],
    });
    for (const rule of data.rules.items) blocks.push(...ruleBlocks(rule));
    blocks.push(...pager(pages, 'rules', data.rules));

    blocks.push(header('API keys'), {
      type: 'actions',
      block_id: 'keys_toolbar',
      elements: [button('Create API key', ACTION_IDS.keyCreate, 'new', 'primary')],
    });
    if (data.keys.items.length === 0) blocks.push(section('_No API keys._'));
    for (const key of data.keys.items) {
      blocks.push({
        type: 'section',
        text: mrkdwn(
          `*${escapeMrkdwn(key.name)}* · \`${escapeMrkdwn(key.keyPrefix)}…\` · ${key.scope === 'admin' ? '*admin*' : 'request'} scope · ${key.origin === 'env' ? 'from SERVICE_API_KEYS' : `created by <@${key.createdBy}>`} ${slackDate(key.createdAt, '{date_short}')} · ${key.lastUsedAt === null ? 'never used' : `last used ${slackDate(key.lastUsedAt, '{date_short_pretty} at {time}')}`}`,
        ),
        ...(key.origin === 'admin'
          ? {
              accessory: {
                ...button('Revoke', ACTION_IDS.keyRevoke, key.id, 'danger'),
                confirm: confirm({
                  title: 'Revoke this key?',
                  text: `Calls with “${escapeMrkdwn(key.name)}” fail at once.`,
                  yes: 'Revoke',
                  style: 'danger',
                }),
              },
            }
          : {}),
      });
    }
    blocks.push(...pager(pages, 'keys', data.keys));
    if (data.identities !== undefined) blocks.push(...identitySection(data.identities, pages));

    blocks.push(...awayAdminBlocks(data));

    blocks.push(
      header('Audit trail'),
      context(
        'Every request, vote, decision and admin change, hash-chained. Export a range as a file in your DMs (recorded in the trail too); verify it with `npm run audit:verify`.',
      ),
      {
        type: 'actions',
        block_id: 'audit_toolbar',
        elements: [button('Export', ACTION_IDS.auditExport, 'export')],
      },
    );
  }
  return { type: 'home', private_metadata: JSON.stringify(pages), blocks };
}
