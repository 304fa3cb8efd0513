import type { KnownBlock } from '@slack/types';
import { MIN_WORKFLOW_DELAY_SECONDS, NO_WORKFLOW, type Workflow } from '../../services/routing/rule-schema.ts';
import { fieldOf, input, numberInput, option, textInput, type ViewValues } from './kit/inputs.ts';
import { context, header } from './kit/text.ts';

/*
 * The rule editor's workflow settings: stages, reminder, escalation levels, break-glass and
 * needs-info. Up to three stages and three escalation levels have rows here (a rules file may hold
 * more: those are kept as they are, and the modal says so), which keeps the modal well inside
 * Slack's 100 blocks.
 */

/** Stage and escalation rows the modal shows. */
export const WORKFLOW_ROWS = 3;

const ROWS = Array.from({ length: WORKFLOW_ROWS }, (_, index) => index);

/** Block ids (= action ids) of the workflow inputs. */
export const WORKFLOW_FIELDS = {
  stageName: (i: number) => `rule_stage_${i}_name`,
  stageUsers: (i: number) => `rule_stage_${i}_users`,
  stageGroups: (i: number) => `rule_stage_${i}_groups`,
  stageRequired: (i: number) => `rule_stage_${i}_n`,
  reminderAfter: 'rule_reminder_after',
  reminderRepeat: 'rule_reminder_repeat',
  escalationAfter: (i: number) => `rule_esc_${i}_after`,
  escalationUsers: (i: number) => `rule_esc_${i}_users`,
  escalationGroups: (i: number) => `rule_esc_${i}_groups`,
  escalationChannel: (i: number) => `rule_esc_${i}_channel`,
  breakGlass: 'rule_break_glass',
  breakGlassChannel: 'rule_break_glass_channel',
  needsInfo: 'rule_needs_info',
} as const;

/** Every user-group picker of the workflow rows (the options listener answers them all). */
export const WORKFLOW_GROUP_SELECTS: string[] = ROWS.flatMap((i) => [
  WORKFLOW_FIELDS.stageGroups(i),
  WORKFLOW_FIELDS.escalationGroups(i),
]);

/** Where each workflow field's error is shown (paths as the stored rule names them). */
export const WORKFLOW_FIELD_BLOCK: Record<string, string> = {
  stages: WORKFLOW_FIELDS.stageName(0),
  reminder: WORKFLOW_FIELDS.reminderAfter,
  'reminder.afterSeconds': WORKFLOW_FIELDS.reminderAfter,
  'reminder.repeatSeconds': WORKFLOW_FIELDS.reminderRepeat,
  escalation: WORKFLOW_FIELDS.escalationAfter(0),
  breakGlass: WORKFLOW_FIELDS.breakGlass,
  'breakGlass.channelId': WORKFLOW_FIELDS.breakGlassChannel,
  needsInfo: WORKFLOW_FIELDS.needsInfo,
  'needsInfo.extendSeconds': WORKFLOW_FIELDS.needsInfo,
  ...Object.fromEntries(
    ROWS.flatMap((i) => [
      [`stages.${i}`, WORKFLOW_FIELDS.stageName(i)],
      [`stages.${i}.name`, WORKFLOW_FIELDS.stageName(i)],
      [`stages.${i}.approvers`, WORKFLOW_FIELDS.stageUsers(i)],
      [`stages.${i}.requiredApprovals`, WORKFLOW_FIELDS.stageRequired(i)],
      [`escalation.${i}`, WORKFLOW_FIELDS.escalationAfter(i)],
      [`escalation.${i}.afterSeconds`, WORKFLOW_FIELDS.escalationAfter(i)],
      [`escalation.${i}.approvers`, WORKFLOW_FIELDS.escalationUsers(i)],
      [`escalation.${i}.channelId`, WORKFLOW_FIELDS.escalationChannel(i)],
    ]),
  ),
};

const MIN_DELAY = String(MIN_WORKFLOW_DELAY_SECONDS);

function usersSelect(blockId: string, label: string, approvers: readonly string[]) {
  const users = approvers.filter((a) => !a.startsWith('S'));
  return input(
    blockId,
    label,
    { type: 'multi_users_select', ...(users.length > 0 ? { initial_users: users } : {}) },
    { optional: true },
  );
}

function groupsSelect(
  blockId: string,
  label: string,
  approvers: readonly string[],
  labels?: ReadonlyMap<string, string>,
) {
  const groups = approvers.filter((a) => a.startsWith('S'));
  return input(
    blockId,
    label,
    {
      type: 'multi_external_select',
      min_query_length: 0,
      ...(groups.length > 0 ? { initial_options: groups.map((id) => option(labels?.get(id) ?? id, id)) } : {}),
    },
    { optional: true },
  );
}

function channelSelect(blockId: string, label: string, channel: string | null | undefined, hint?: string) {
  return input(
    blockId,
    label,
    {
      type: 'conversations_select',
      filter: { include: ['public', 'private'], exclude_bot_users: true },
      ...(channel ? { initial_conversation: channel } : {}),
    },
    { optional: true, ...(hint ? { hint } : {}) },
  );
}

/** Says how many stages or levels a rule has beyond the rows shown (kept unchanged on save). */
function beyondRows(count: number, what: string): KnownBlock[] {
  return count > WORKFLOW_ROWS
    ? [
        context(
          `This rule has ${count} ${what}; the ones after the first ${WORKFLOW_ROWS} are kept as they are (edit them in a rules file).`,
        ),
      ]
    : [];
}

/** The workflow inputs of the rule editor, prefilled from `workflow` when editing. */
export function buildWorkflowBlocks(
  workflow: Workflow = NO_WORKFLOW,
  labels?: ReadonlyMap<string, string>,
): KnownBlock[] {
  const stages = workflow.stages ?? [];
  const blocks: KnownBlock[] = [
    header('Stages'),
    context(
      'Optional: approval in order, stage by stage; stages replace the approvers above. Leave empty for one group.',
    ),
  ];
  for (const i of ROWS) {
    const stage = stages[i];
    const n = i + 1;
    blocks.push(
      textInput(WORKFLOW_FIELDS.stageName(i), `Stage ${n} name`, stage?.name, { optional: true, max: 80 }),
      usersSelect(WORKFLOW_FIELDS.stageUsers(i), `Stage ${n} approvers`, stage?.approvers ?? []),
      groupsSelect(WORKFLOW_FIELDS.stageGroups(i), `Stage ${n} user groups`, stage?.approvers ?? [], labels),
      numberInput(WORKFLOW_FIELDS.stageRequired(i), `Stage ${n} approvals required`, stage?.requiredApprovals ?? null, {
        optional: true,
        hint: 'Empty: 1',
      }),
    );
  }
  blocks.push(...beyondRows(stages.length, 'stages'));
  const reminder = workflow.reminder;
  blocks.push(
    header('Reminders'),
    numberInput(WORKFLOW_FIELDS.reminderAfter, 'Remind approvers after (seconds)', reminder?.afterSeconds ?? null, {
      optional: true,
      min: MIN_DELAY,
      hint: 'Empty: no reminders',
    }),
    numberInput(WORKFLOW_FIELDS.reminderRepeat, 'Then every (seconds)', reminder?.repeatSeconds ?? null, {
      optional: true,
      min: MIN_DELAY,
      hint: 'Empty: remind once',
    }),
    header('Escalation'),
  );
  for (const i of ROWS) {
    const level = workflow.escalation[i];
    const n = i + 1;
    blocks.push(
      numberInput(
        WORKFLOW_FIELDS.escalationAfter(i),
        `Level ${n}: escalate after (seconds)`,
        level?.afterSeconds ?? null,
        {
          optional: true,
          min: MIN_DELAY,
        },
      ),
      usersSelect(WORKFLOW_FIELDS.escalationUsers(i), `Level ${n}: add approvers`, level?.approvers ?? []),
      groupsSelect(WORKFLOW_FIELDS.escalationGroups(i), `Level ${n}: add user groups`, level?.approvers ?? [], labels),
      channelSelect(WORKFLOW_FIELDS.escalationChannel(i), `Level ${n}: also post in`, level?.channelId),
    );
  }
  blocks.push(...beyondRows(workflow.escalation.length, 'escalation levels'));
  const allowed = option('Requesters may break glass (approve at once, announced and reviewed)', 'allowed');
  blocks.push(
    header('Break glass and questions'),
    input(
      WORKFLOW_FIELDS.breakGlass,
      'Break glass',
      {
        type: 'checkboxes',
        options: [allowed],
        ...(workflow.breakGlass?.allowed ? { initial_options: [allowed] } : {}),
      },
      { optional: true },
    ),
    channelSelect(WORKFLOW_FIELDS.breakGlassChannel, 'Announce break-glass in', workflow.breakGlass?.channelId),
    numberInput(
      WORKFLOW_FIELDS.needsInfo,
      'A question extends the deadline by (seconds)',
      workflow.needsInfo?.extendSeconds ?? null,
      {
        optional: true,
        min: MIN_DELAY,
        hint: 'Empty: questions do not extend it',
      },
    ),
  );
  return blocks;
}

function toInt(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  return Number(raw);
}

function approversOf(values: ViewValues, usersId: string, groupsId: string): string[] {
  return [
    ...(fieldOf(values, usersId)?.selected_users ?? []),
    ...(fieldOf(values, groupsId)?.selected_options ?? []).map((o) => o.value),
  ];
}

/**
 * Reads the workflow inputs (validated afterwards with the rest of the rule). An empty row is no
 * stage or level; a delay left empty where one is needed reads as 0, so the check says what is
 * missing on that input. Stages and levels beyond the rows shown are kept from `kept`.
 */
export function readWorkflow(values: ViewValues, kept: Workflow = NO_WORKFLOW): Workflow {
  const stages: NonNullable<Workflow['stages']> = [];
  for (const i of ROWS) {
    const name = fieldOf(values, WORKFLOW_FIELDS.stageName(i))?.value?.trim() ?? '';
    const approvers = approversOf(values, WORKFLOW_FIELDS.stageUsers(i), WORKFLOW_FIELDS.stageGroups(i));
    const required = toInt(fieldOf(values, WORKFLOW_FIELDS.stageRequired(i))?.value);
    if (name === '' && approvers.length === 0) continue;
    stages.push({ name, approvers, requiredApprovals: required ?? 1 });
  }
  stages.push(...(kept.stages ?? []).slice(WORKFLOW_ROWS));
  const escalation: Workflow['escalation'] = [];
  for (const i of ROWS) {
    const after = toInt(fieldOf(values, WORKFLOW_FIELDS.escalationAfter(i))?.value);
    const approvers = approversOf(values, WORKFLOW_FIELDS.escalationUsers(i), WORKFLOW_FIELDS.escalationGroups(i));
    const channelId = fieldOf(values, WORKFLOW_FIELDS.escalationChannel(i))?.selected_conversation ?? null;
    if (after === null && approvers.length === 0 && channelId === null) continue;
    escalation.push({ afterSeconds: after ?? 0, approvers, channelId });
  }
  escalation.push(...kept.escalation.slice(WORKFLOW_ROWS));
  const after = toInt(fieldOf(values, WORKFLOW_FIELDS.reminderAfter)?.value);
  const repeat = toInt(fieldOf(values, WORKFLOW_FIELDS.reminderRepeat)?.value);
  const allowed = (fieldOf(values, WORKFLOW_FIELDS.breakGlass)?.selected_options ?? []).length > 0;
  const breakGlassChannel = fieldOf(values, WORKFLOW_FIELDS.breakGlassChannel)?.selected_conversation ?? null;
  const extend = toInt(fieldOf(values, WORKFLOW_FIELDS.needsInfo)?.value);
  return {
    stages: stages.length > 0 ? stages : null,
    reminder: after === null && repeat === null ? null : { afterSeconds: after ?? 0, repeatSeconds: repeat },
    escalation,
    breakGlass: !allowed && breakGlassChannel === null ? null : { allowed, channelId: breakGlassChannel },
    needsInfo: extend === null ? null : { extendSeconds: extend },
  };
}
