import type { ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { RuleRow, TRuleInput } from '../../services/rules.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { escapeMrkdwn, LIMITS, truncate } from './kit/limits.ts';

/** Block ids (= action ids) of the rule modal; the submit handler reads what the builder wrote. */
export const RULE_FIELDS = {
  name: 'rule_name',
  action: 'rule_action',
  resource: 'rule_resource',
  environments: 'rule_envs',
  minRisk: 'rule_risk',
  timeMode: 'rule_time_mode',
  days: 'rule_days',
  start: 'rule_start',
  end: 'rule_end',
  timeZone: 'rule_tz',
  outcome: 'rule_outcome',
  denyMessage: 'rule_deny',
  channel: 'rule_channel',
  users: 'rule_users',
  groups: 'rule_groups',
  required: 'rule_n',
  ttl: 'rule_ttl',
  grant: 'rule_grant',
  flags: 'rule_flags',
} as const;

/** Where each rule-input field's error is shown in the modal. */
export const FIELD_BLOCK: Record<string, string> = {
  name: RULE_FIELDS.name,
  actionPattern: RULE_FIELDS.action,
  resourcePattern: RULE_FIELDS.resource,
  environments: RULE_FIELDS.environments,
  minRisk: RULE_FIELDS.minRisk,
  'timeCondition.days': RULE_FIELDS.days,
  'timeCondition.start': RULE_FIELDS.start,
  'timeCondition.end': RULE_FIELDS.end,
  'timeCondition.timeZone': RULE_FIELDS.timeZone,
  timeCondition: RULE_FIELDS.timeMode,
  outcome: RULE_FIELDS.outcome,
  denyMessage: RULE_FIELDS.denyMessage,
  channelId: RULE_FIELDS.channel,
  approvers: RULE_FIELDS.users,
  requiredApprovals: RULE_FIELDS.required,
  ttlSeconds: RULE_FIELDS.ttl,
  grantSeconds: RULE_FIELDS.grant,
};

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function plain(text: string) {
  return { type: 'plain_text' as const, text, emoji: true };
}

function option(text: string, value: string): PlainTextOption {
  return { text: plain(text), value };
}

function input(
  blockId: string,
  label: string,
  element: Record<string, unknown>,
  extra: { optional?: boolean; hint?: string } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional: extra.optional ?? false,
    ...(extra.hint ? { hint: plain(extra.hint) } : {}),
    element: { action_id: blockId, ...element },
  } as KnownBlock;
}

function text(
  blockId: string,
  label: string,
  initial: string | null | undefined,
  extra: { optional?: boolean; hint?: string; max?: number } = {},
) {
  return input(
    blockId,
    label,
    { type: 'plain_text_input', max_length: extra.max ?? 200, ...(initial ? { initial_value: initial } : {}) },
    extra,
  );
}

function select(
  blockId: string,
  label: string,
  options: PlainTextOption[],
  initial: string,
  extra: { optional?: boolean } = {},
) {
  const initialOption = options.find((o) => o.value === initial);
  return input(
    blockId,
    label,
    { type: 'static_select', options, ...(initialOption ? { initial_option: initialOption } : {}) },
    extra,
  );
}

function numberInput(
  blockId: string,
  label: string,
  initial: number | null,
  extra: { optional?: boolean; hint?: string; min?: string } = {},
) {
  return input(
    blockId,
    label,
    {
      type: 'number_input',
      is_decimal_allowed: false,
      min_value: extra.min ?? '1',
      ...(initial !== null ? { initial_value: String(initial) } : {}),
    },
    extra,
  );
}

/** The Add/Edit rule modal, prefilled from `rule` when editing. */
export function buildRuleModal(rule?: RuleRow, groupLabels?: ReadonlyMap<string, string>): ModalView {
  const time = rule?.timeCondition ?? null;
  const dayOptions = DAYS.map((day, index) => option(day, String(index + 1)));
  const flagOptions = [option('Approvers must give a reason', 'require_reason'), option('Enabled', 'enabled')];
  const initialFlags = flagOptions.filter((o) =>
    o.value === 'enabled' ? (rule?.enabled ?? true) : (rule?.requireReason ?? false),
  );
  const users = rule?.approvers.filter((a) => !a.startsWith('S')) ?? [];
  const groups = rule?.approvers.filter((a) => a.startsWith('S')) ?? [];
  const blocks: KnownBlock[] = [
    text(RULE_FIELDS.name, 'Name', rule?.name, { max: 80 }),
    { type: 'header', text: plain('When') },
    text(RULE_FIELDS.action, 'Action pattern', rule?.actionPattern ?? '*', {
      hint: 'Glob: * within a segment, ** across /, {a,b}. e.g. db.*',
    }),
    text(RULE_FIELDS.resource, 'Resource pattern', rule?.resourcePattern ?? '**', { hint: 'e.g. prod/**' }),
    text(RULE_FIELDS.environments, 'Environments', rule?.environments.join(', '), {
      optional: true,
      hint: 'Comma-separated; empty means any',
    }),
    select(
      RULE_FIELDS.minRisk,
      'Minimum risk',
      [
        option('Any', 'any'),
        option('Low', 'low'),
        option('Medium', 'medium'),
        option('High', 'high'),
        option('Critical', 'critical'),
      ],
      rule?.minRisk ?? 'any',
    ),
    select(
      RULE_FIELDS.timeMode,
      'Time',
      [
        option('Any time', 'any'),
        option('Only inside these hours', 'inside'),
        option('Only outside these hours', 'outside'),
      ],
      time?.mode ?? 'any',
    ),
    input(
      RULE_FIELDS.days,
      'Weekdays',
      {
        type: 'checkboxes',
        options: dayOptions,
        ...(time
          ? { initial_options: dayOptions.filter((o) => time.days.includes(Number(o.value))) }
          : { initial_options: dayOptions.slice(0, 5) }),
      },
      { optional: true },
    ),
    input(RULE_FIELDS.start, 'From', { type: 'timepicker', initial_time: time?.start ?? '09:00' }, { optional: true }),
    input(RULE_FIELDS.end, 'Until', { type: 'timepicker', initial_time: time?.end ?? '18:00' }, { optional: true }),
    text(RULE_FIELDS.timeZone, 'Time zone', time?.timeZone ?? 'UTC', {
      optional: true,
      hint: 'IANA name, e.g. Europe/Berlin',
    }),
    { type: 'header', text: plain('Then') },
    select(
      RULE_FIELDS.outcome,
      'Outcome',
      [
        option('Require approval', 'require_approval'),
        option('Approve automatically', 'auto_approve'),
        option('Deny automatically', 'auto_deny'),
      ],
      rule?.outcome ?? 'require_approval',
    ),
    text(RULE_FIELDS.denyMessage, 'Message when denied automatically', rule?.denyMessage, { optional: true, max: 500 }),
    input(
      RULE_FIELDS.channel,
      'Approval channel',
      {
        type: 'conversations_select',
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(rule?.channelId ? { initial_conversation: rule.channelId } : {}),
      },
      { optional: true, hint: 'Empty: APPROVAL_CHANNEL' },
    ),
    input(
      RULE_FIELDS.users,
      'Approvers',
      { type: 'multi_users_select', ...(users.length > 0 ? { initial_users: users } : {}) },
      { optional: true },
    ),
    input(
      RULE_FIELDS.groups,
      'Approver user groups',
      {
        type: 'multi_external_select',
        min_query_length: 0,
        ...(groups.length > 0 ? { initial_options: groups.map((id) => option(groupLabels?.get(id) ?? id, id)) } : {}),
      },
      { optional: true },
    ),
    numberInput(RULE_FIELDS.required, 'Approvals required', rule?.requiredApprovals ?? 1),
    numberInput(RULE_FIELDS.ttl, 'Time to decide (seconds)', rule?.ttlSeconds ?? null, {
      optional: true,
      hint: 'Empty: as requested, up to MAX_TTL_SECONDS',
    }),
    numberInput(RULE_FIELDS.grant, 'Approval valid for (seconds)', rule?.grantSeconds ?? null, {
      optional: true,
      min: '60',
    }),
    input(
      RULE_FIELDS.flags,
      'Options',
      {
        type: 'checkboxes',
        options: flagOptions,
        ...(initialFlags.length > 0 ? { initial_options: initialFlags } : {}),
      },
      { optional: true },
    ),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.ruleModal,
    title: plain(rule ? 'Edit rule' : 'Add rule'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ ruleId: rule?.id ?? null, updatedAt: rule?.updatedAt.toISOString() ?? null }),
    blocks,
  };
}

type Values = ViewSubmitAction['view']['state']['values'];

function value(values: Values, id: string) {
  return values[id]?.[id];
}

function splitCsv(raw: string | null | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function toInt(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  return Number(raw);
}

/** Reads the rule modal's state into a rule input (validated afterwards by ZRuleInput and ruleProblems). */
export function readRuleModal(values: Values): TRuleInput {
  const mode = value(values, RULE_FIELDS.timeMode)?.selected_option?.value ?? 'any';
  const flags = (value(values, RULE_FIELDS.flags)?.selected_options ?? []).map((o) => o.value);
  const minRisk = value(values, RULE_FIELDS.minRisk)?.selected_option?.value ?? 'any';
  return {
    name: value(values, RULE_FIELDS.name)?.value ?? '',
    enabled: flags.includes('enabled'),
    actionPattern: value(values, RULE_FIELDS.action)?.value ?? '',
    resourcePattern: value(values, RULE_FIELDS.resource)?.value ?? '',
    environments: splitCsv(value(values, RULE_FIELDS.environments)?.value),
    minRisk: minRisk === 'any' ? null : (minRisk as TRuleInput['minRisk']),
    timeCondition:
      mode === 'any'
        ? null
        : {
            mode: mode as 'inside' | 'outside',
            days: (value(values, RULE_FIELDS.days)?.selected_options ?? []).map((o) => Number(o.value)),
            start: value(values, RULE_FIELDS.start)?.selected_time ?? '',
            end: value(values, RULE_FIELDS.end)?.selected_time ?? '',
            timeZone: (value(values, RULE_FIELDS.timeZone)?.value ?? '').trim(),
          },
    outcome: (value(values, RULE_FIELDS.outcome)?.selected_option?.value ??
      'require_approval') as TRuleInput['outcome'],
    denyMessage: value(values, RULE_FIELDS.denyMessage)?.value?.trim() || null,
    channelId: value(values, RULE_FIELDS.channel)?.selected_conversation ?? null,
    approvers: [
      ...(value(values, RULE_FIELDS.users)?.selected_users ?? []),
      ...(value(values, RULE_FIELDS.groups)?.selected_options ?? []).map((o) => o.value),
    ],
    requiredApprovals: toInt(value(values, RULE_FIELDS.required)?.value) ?? 1,
    ttlSeconds: toInt(value(values, RULE_FIELDS.ttl)?.value),
    grantSeconds: toInt(value(values, RULE_FIELDS.grant)?.value),
    requireReason: flags.includes('require_reason'),
  };
}

/** A one-off view: a title and a message (used for results such as a new API key). */
export function buildMessageModal(title: string, message: string): ModalView {
  return {
    type: 'modal',
    title: plain(truncate(title, LIMITS.modalTitle)),
    close: plain('Done'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(message, LIMITS.sectionText) } }],
  };
}

export const TEST_FIELDS = {
  action: 'test_action',
  resource: 'test_resource',
  environment: 'test_env',
  risk: 'test_risk',
  at: 'test_at',
} as const;

/** "Test a request": which rule would a request like this match, and why. */
export function buildTestModal(): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.testModal,
    title: plain('Test a request'),
    submit: plain('Test'),
    close: plain('Close'),
    blocks: [
      text(TEST_FIELDS.action, 'Action', 'db.drop_table'),
      text(TEST_FIELDS.resource, 'Resource', 'prod/customers', { max: 500 }),
      text(TEST_FIELDS.environment, 'Environment', null, { optional: true, max: 100 }),
      select(
        TEST_FIELDS.risk,
        'Risk',
        [option('Low', 'low'), option('Medium', 'medium'), option('High', 'high'), option('Critical', 'critical')],
        'medium',
      ),
      input(TEST_FIELDS.at, 'When', { type: 'datetimepicker' }, { optional: true, hint: 'Empty: now' }),
    ],
  };
}

export function readTestModal(values: Values) {
  const at = value(values, TEST_FIELDS.at)?.selected_date_time;
  return {
    action: value(values, TEST_FIELDS.action)?.value ?? '',
    resource: value(values, TEST_FIELDS.resource)?.value ?? '',
    environment: value(values, TEST_FIELDS.environment)?.value?.trim() || null,
    risk: value(values, TEST_FIELDS.risk)?.selected_option?.value ?? 'medium',
    at: typeof at === 'number' ? new Date(at * 1000) : null,
  };
}

/** The simulator's answer: the matching rule (or the default route) and each rule's reasons. */
export function buildTestResult(input: {
  action: string;
  resource: string;
  environment: string | null;
  risk: string;
  at: Date;
  match: { name: string; outcome: string } | null;
  verdicts: Array<{ name: string; matched: boolean; reasons: string[] }>;
}): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `\`${escapeMrkdwn(input.action)}\` on \`${escapeMrkdwn(input.resource)}\`` +
            `${input.environment ? ` in ${escapeMrkdwn(input.environment)}` : ''}, ${input.risk} risk, at <!date^${Math.floor(input.at.getTime() / 1000)}^{date_short_pretty} {time}|${input.at.toISOString()}>`,
          LIMITS.sectionText,
        ),
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          input.match === null
            ? '*No rule matches:* the default route applies.'
            : `*Matches rule “${escapeMrkdwn(input.match.name)}”* → ${input.match.outcome.replace('_', ' ')}`,
          LIMITS.sectionText,
        ),
      },
    },
  ];
  for (const verdict of input.verdicts.slice(0, 40)) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(
            `${verdict.matched ? ':white_check_mark:' : ':x:'} *${escapeMrkdwn(verdict.name)}* — ${verdict.reasons.map(escapeMrkdwn).join('; ')}`,
            LIMITS.sectionText,
          ),
        },
      ],
    });
  }
  return { type: 'modal', title: plain('Test result'), close: plain('Done'), blocks };
}

export const KEY_FIELDS = { name: 'key_name' } as const;

export function buildKeyModal(): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.keyModal,
    title: plain('Create API key'),
    submit: plain('Create'),
    close: plain('Cancel'),
    blocks: [
      text(KEY_FIELDS.name, 'Service name', null, { max: 64, hint: 'Letters, digits, _ . - (e.g. deploy-bot)' }),
    ],
  };
}

/** User-group options for the rule modal's picker, filtered by what the admin typed. */
export function groupOptions(
  groups: Array<{ id: string; handle?: string; name?: string }>,
  query: string,
): PlainTextOption[] {
  const q = query.trim().toLowerCase();
  return groups
    .filter((g) => q === '' || `${g.handle ?? ''} ${g.name ?? ''}`.toLowerCase().includes(q))
    .slice(0, 100)
    .map((g) =>
      option(truncate(`@${g.handle ?? g.id}${g.name && g.name !== g.handle ? ` (${g.name})` : ''}`, 75), g.id),
    );
}
