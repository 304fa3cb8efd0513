import type { KnownBlock, ModalView } from '@slack/types';
import type { RuleRow } from '../../services/routing/rule-row.ts';
import { NO_WORKFLOW, ruleWorkflow, type TRuleInput, type Workflow } from '../../services/routing/rule-schema.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { fieldOf, input, numberInput, option, select, textInput, type ViewValues } from './kit/inputs.ts';
import { riskOptions } from './kit/risk.ts';
import { header, plain } from './kit/text.ts';
import { buildWorkflowBlocks, readWorkflow, WORKFLOW_FIELD_BLOCK } from './rule-editor-workflow.ts';

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
  actionPatterns: RULE_FIELDS.action,
  resourcePatterns: RULE_FIELDS.resource,
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
  ...WORKFLOW_FIELD_BLOCK,
};

/**
 * The block that shows the error of a problem path: the most specific one known
 * (`stages.1.requiredApprovals`, then `stages.1`, then `stages`), else the name's.
 */
export function ruleFieldBlock(path: string): string {
  const parts = path.split('.');
  for (let length = parts.length; length > 0; length -= 1) {
    const block = FIELD_BLOCK[parts.slice(0, length).join('.')];
    if (block !== undefined) return block;
  }
  return RULE_FIELDS.name;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The Add/Edit rule modal, prefilled from `rule` when editing. */
export function buildRuleEditorModal(rule?: RuleRow, groupLabels?: ReadonlyMap<string, string>): ModalView {
  const time = rule?.timeCondition ?? null;
  const dayOptions = DAYS.map((day, index) => option(day, String(index + 1)));
  const flagOptions = [option('Approvers must give a reason', 'require_reason'), option('Enabled', 'enabled')];
  const initialFlags = flagOptions.filter((o) =>
    o.value === 'enabled' ? (rule?.enabled ?? true) : (rule?.requireReason ?? false),
  );
  const users = rule?.approvers.filter((a) => !a.startsWith('S')) ?? [];
  const groups = rule?.approvers.filter((a) => a.startsWith('S')) ?? [];
  const blocks: KnownBlock[] = [
    textInput(RULE_FIELDS.name, 'Name', rule?.name, { max: 80 }),
    header('When'),
    textInput(RULE_FIELDS.action, 'Action patterns', rule?.actionPatterns.join(' ') ?? '*', {
      hint: 'Globs separated by spaces, any one may match: * within a segment, ** across /, {a,b}. e.g. db.* schema.*',
    }),
    textInput(RULE_FIELDS.resource, 'Resource patterns', rule?.resourcePatterns.join(' ') ?? '**', {
      hint: 'Globs separated by spaces, e.g. prod/**',
    }),
    textInput(RULE_FIELDS.environments, 'Environments', rule?.environments.join(', '), {
      optional: true,
      hint: 'Comma-separated; empty means any',
    }),
    select(RULE_FIELDS.minRisk, 'Minimum risk', [option('Any', 'any'), ...riskOptions()], rule?.minRisk ?? 'any'),
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
    textInput(RULE_FIELDS.timeZone, 'Time zone', time?.timeZone ?? 'UTC', {
      optional: true,
      hint: 'IANA name, e.g. Europe/Berlin',
    }),
    header('Then'),
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
    textInput(RULE_FIELDS.denyMessage, 'Message when denied automatically', rule?.denyMessage, {
      optional: true,
      max: 500,
    }),
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
    ...buildWorkflowBlocks(rule ? ruleWorkflow(rule) : NO_WORKFLOW, groupLabels),
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

function splitCsv(raw: string | null | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function splitWords(raw: string | null | undefined): string[] {
  return (raw ?? '').split(/\s+/).filter((part) => part !== '');
}

function toInt(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  return Number(raw);
}

/**
 * Reads the rule editor's state into a rule input (validated afterwards by checkRuleInput, as every
 * editor's rules are). Stages and escalation levels beyond the modal's rows are kept from
 * `workflowFields` (the rule being edited).
 */
export function readRuleEditorModal(values: ViewValues, workflowFields: Workflow = NO_WORKFLOW): TRuleInput {
  const mode = fieldOf(values, RULE_FIELDS.timeMode)?.selected_option?.value ?? 'any';
  const flags = (fieldOf(values, RULE_FIELDS.flags)?.selected_options ?? []).map((o) => o.value);
  const minRisk = fieldOf(values, RULE_FIELDS.minRisk)?.selected_option?.value ?? 'any';
  return {
    name: fieldOf(values, RULE_FIELDS.name)?.value ?? '',
    enabled: flags.includes('enabled'),
    actionPatterns: splitWords(fieldOf(values, RULE_FIELDS.action)?.value),
    resourcePatterns: splitWords(fieldOf(values, RULE_FIELDS.resource)?.value),
    environments: splitCsv(fieldOf(values, RULE_FIELDS.environments)?.value),
    minRisk: minRisk === 'any' ? null : (minRisk as TRuleInput['minRisk']),
    timeCondition:
      mode === 'any'
        ? null
        : {
            mode: mode as 'inside' | 'outside',
            days: (fieldOf(values, RULE_FIELDS.days)?.selected_options ?? []).map((o) => Number(o.value)),
            start: fieldOf(values, RULE_FIELDS.start)?.selected_time ?? '',
            end: fieldOf(values, RULE_FIELDS.end)?.selected_time ?? '',
            timeZone: (fieldOf(values, RULE_FIELDS.timeZone)?.value ?? '').trim(),
          },
    outcome: (fieldOf(values, RULE_FIELDS.outcome)?.selected_option?.value ??
      'require_approval') as TRuleInput['outcome'],
    denyMessage: fieldOf(values, RULE_FIELDS.denyMessage)?.value?.trim() || null,
    channelId: fieldOf(values, RULE_FIELDS.channel)?.selected_conversation ?? null,
    approvers: [
      ...(fieldOf(values, RULE_FIELDS.users)?.selected_users ?? []),
      ...(fieldOf(values, RULE_FIELDS.groups)?.selected_options ?? []).map((o) => o.value),
    ],
    requiredApprovals: toInt(fieldOf(values, RULE_FIELDS.required)?.value) ?? 1,
    ttlSeconds: toInt(fieldOf(values, RULE_FIELDS.ttl)?.value),
    grantSeconds: toInt(fieldOf(values, RULE_FIELDS.grant)?.value),
    requireReason: flags.includes('require_reason'),
    ...readWorkflow(values, workflowFields),
  };
}
