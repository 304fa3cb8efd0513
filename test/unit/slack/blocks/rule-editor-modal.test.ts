import { describe, expect, it } from 'vitest';
import type { RuleRow } from '../../../../src/services/routing/rule-row.ts';
import { NO_WORKFLOW } from '../../../../src/services/routing/rule-schema.ts';
import {
  buildRuleEditorModal,
  FIELD_BLOCK,
  RULE_FIELDS,
  readRuleEditorModal,
} from '../../../../src/slack/blocks/rule-editor-modal.ts';
import { WORKFLOW_FIELDS } from '../../../../src/slack/blocks/rule-editor-workflow.ts';
import { CALLBACK_IDS } from '../../../../src/slack/ids.ts';
import { validateView } from '../../../support/block-kit.ts';
import { submitUnchanged } from '../../../support/view-state.ts';

const updatedAt = new Date('2026-11-23T10:00:00Z');

function rule(overrides: Partial<RuleRow> = {}): RuleRow {
  return {
    id: 'rule-1',
    name: 'Production databases',
    priority: 1,
    enabled: true,
    actionPatterns: ['db.*'],
    resourcePatterns: ['prod/**'],
    environments: ['production', 'staging'],
    minRisk: 'high',
    timeCondition: { mode: 'outside', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', timeZone: 'Europe/Berlin' },
    outcome: 'require_approval',
    denyMessage: null,
    channelId: 'C0DBAPPROV',
    ...NO_WORKFLOW,
    managedBy: null,
    approvers: ['U0APPROVB1', 'S0ONCALL01'],
    requiredApprovals: 2,
    ttlSeconds: 600,
    grantSeconds: 3600,
    requireReason: true,
    updatedAt,
    ...overrides,
  };
}

/** Every workflow setting set, groups and users mixed, as many stages and levels as the modal has rows. */
const FULL_WORKFLOW = {
  stages: [
    { name: 'Team lead', approvers: ['U0APPROVA1'], requiredApprovals: 1 },
    { name: 'DBA', approvers: ['U0APPROVB1', 'S0ONCALL01'], requiredApprovals: 2 },
    { name: 'CISO', approvers: ['U0CISO0001'], requiredApprovals: 1 },
  ],
  reminder: { afterSeconds: 60, repeatSeconds: 300 },
  escalation: [
    { afterSeconds: 600, approvers: ['U0OUTSIDE1', 'S0ONCALL01'], channelId: 'C0APPROVAL' },
    { afterSeconds: 1200, approvers: ['S0ONCALL01'], channelId: null },
  ],
  breakGlass: { allowed: true, channelId: 'C0BREAKGLS' },
  needsInfo: { extendSeconds: 900 },
} satisfies Partial<RuleRow>;

/** What the rule's editable fields are, as the reader returns them. */
function inputOf(row: RuleRow) {
  const { id: _id, priority: _priority, updatedAt: _updatedAt, managedBy: _managedBy, ...input } = row;
  return input;
}

describe('rule editor modal', () => {
  it('reads back, untouched, exactly the rule it was opened with', () => {
    for (const row of [
      rule(),
      rule({ enabled: false, requireReason: false, timeCondition: null, minRisk: null, environments: [] }),
      rule({
        outcome: 'auto_deny',
        denyMessage: 'Not on Fridays',
        channelId: null,
        ttlSeconds: null,
        grantSeconds: null,
      }),
      rule(FULL_WORKFLOW),
      rule({
        ...FULL_WORKFLOW,
        reminder: { afterSeconds: 30, repeatSeconds: null },
        breakGlass: { allowed: true, channelId: null },
      }),
    ]) {
      const view = buildRuleEditorModal(row);
      expect(readRuleEditorModal(submitUnchanged(view), row)).toEqual(inputOf(row));
    }
  });

  it('keeps stages and escalation levels beyond the rows it shows, and says so', () => {
    const many = rule({
      stages: Array.from({ length: 5 }, (_, i) => ({
        name: `Stage ${i}`,
        approvers: [`U0STAGE00${i}`],
        requiredApprovals: 1,
      })),
      escalation: Array.from({ length: 4 }, (_, i) => ({
        afterSeconds: 60 * (i + 1),
        approvers: ['U0APPROVA1'],
        channelId: null,
      })),
    });
    const view = buildRuleEditorModal(many);
    expect(readRuleEditorModal(submitUnchanged(view), many)).toEqual(inputOf(many));
    expect(JSON.stringify(view.blocks)).toContain('This rule has 5 stages');
    expect(validateView(view)).toEqual([]);
  });

  it('reads an empty row as no stage, and a half-filled one so the check can say what is missing', () => {
    const values = submitUnchanged(buildRuleEditorModal());
    const set = (id: string, state: Record<string, unknown>) => {
      values[id] = { [id]: { type: 'x', ...state } } as never;
    };
    set(WORKFLOW_FIELDS.stageUsers(1), { selected_users: ['U0APPROVA1'] });
    set(WORKFLOW_FIELDS.reminderRepeat, { value: '60' });
    set(WORKFLOW_FIELDS.escalationChannel(0), { selected_conversation: 'C0APPROVAL' });
    set(WORKFLOW_FIELDS.breakGlassChannel, { selected_conversation: 'C0BREAKGLS' });
    const input = readRuleEditorModal(values);
    expect(input.stages).toEqual([{ name: '', approvers: ['U0APPROVA1'], requiredApprovals: 1 }]);
    expect(input.reminder).toEqual({ afterSeconds: 0, repeatSeconds: 60 });
    expect(input.escalation).toEqual([{ afterSeconds: 0, approvers: [], channelId: 'C0APPROVAL' }]);
    expect(input.breakGlass).toEqual({ allowed: false, channelId: 'C0BREAKGLS' });
    expect(input.needsInfo).toBeNull();
  });

  it('starts a new rule enabled, for any request, with one approval and office-hour defaults', () => {
    const view = buildRuleEditorModal();
    expect(view.title.text).toBe('Add rule');
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ ruleId: null, updatedAt: null });
    expect(readRuleEditorModal(submitUnchanged(view))).toEqual({
      name: '',
      enabled: true,
      actionPatterns: ['*'],
      resourcePatterns: ['**'],
      environments: [],
      minRisk: null,
      timeCondition: null,
      outcome: 'require_approval',
      denyMessage: null,
      channelId: null,
      approvers: [],
      requiredApprovals: 1,
      ttlSeconds: null,
      grantSeconds: null,
      requireReason: false,
      ...NO_WORKFLOW,
    });
  });

  it('remembers which rule, at which version, is being edited', () => {
    const view = buildRuleEditorModal(rule());
    expect(view.callback_id).toBe(CALLBACK_IDS.ruleModal);
    expect(view.title.text).toBe('Edit rule');
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ ruleId: 'rule-1', updatedAt: updatedAt.toISOString() });
  });

  it('shows user groups by their label, falling back to the id', () => {
    const labels = new Map([['S0ONCALL01', '@oncall (On call)']]);
    const groups = (view: ReturnType<typeof buildRuleEditorModal>) =>
      view.blocks.find((b) => b.block_id === RULE_FIELDS.groups) as { element: { initial_options: unknown[] } };
    expect(groups(buildRuleEditorModal(rule(), labels)).element.initial_options).toEqual([
      { text: { type: 'plain_text', text: '@oncall (On call)', emoji: true }, value: 'S0ONCALL01' },
    ]);
    expect(groups(buildRuleEditorModal(rule())).element.initial_options).toEqual([
      { text: { type: 'plain_text', text: 'S0ONCALL01', emoji: true }, value: 'S0ONCALL01' },
    ]);
  });

  it('trims and splits what the admin typed', () => {
    const values = submitUnchanged(buildRuleEditorModal());
    (values[RULE_FIELDS.environments] as Record<string, { value: string }>)[RULE_FIELDS.environments] = {
      value: ' prod , , eu-1 ',
    };
    (values[RULE_FIELDS.denyMessage] as Record<string, { value: string }>)[RULE_FIELDS.denyMessage] = { value: '   ' };
    const input = readRuleEditorModal(values);
    expect(input.environments).toEqual(['prod', 'eu-1']);
    expect(input.denyMessage).toBeNull();
  });

  it('has a block for every field an error can be reported on', () => {
    const ids = new Set(buildRuleEditorModal().blocks.map((b) => b.block_id));
    for (const block of Object.values(FIELD_BLOCK)) expect(ids).toContain(block);
  });

  it('is a view Slack accepts, even for the largest rule', () => {
    const long = 'x'.repeat(5000);
    const big = rule({
      name: long.slice(0, 80),
      actionPatterns: Array.from({ length: 20 }, () => '*'.repeat(200)),
      environments: Array.from({ length: 20 }, (_, j) => `env-${j}-${long}`.slice(0, 100)),
      approvers: Array.from({ length: 50 }, (_, j) => `U0APPR${String(j).padStart(4, '0')}`),
      denyMessage: long.slice(0, 500),
      ...FULL_WORKFLOW,
      stages: Array.from({ length: 10 }, (_, i) => ({
        name: `${long}`.slice(0, 80 - i),
        approvers: Array.from({ length: 50 }, (_, j) => `U0ST${i}${String(j).padStart(4, '0')}`),
        requiredApprovals: 50,
      })),
      escalation: Array.from({ length: 10 }, (_, i) => ({
        afterSeconds: 60 * (i + 1),
        approvers: Array.from({ length: 50 }, (_, j) => (j % 2 ? `S0GR${i}${j}0000` : `U0ES${i}${j}0000`)),
        channelId: 'C0APPROVAL',
      })),
    });
    expect(validateView(buildRuleEditorModal(big))).toEqual([]);
    expect(validateView(buildRuleEditorModal())).toEqual([]);
  });
});
