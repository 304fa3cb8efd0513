import type { ViewSubmitAction } from '@slack/bolt';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRules } from '../../../src/services/routing/apply-rules.ts';
import { createRule, deleteRule, getRule, listRules, MANAGED_TEXT } from '../../../src/services/routing/rules-store.ts';
import { WORKFLOW_FIELDS } from '../../../src/slack/blocks/rule-editor-workflow.ts';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  APPROVER_B,
  CHANNEL,
  dmsTo,
  eventually,
  GROUP,
  OUTSIDER,
  startLifecycleApp,
} from '../../support/lifecycle.ts';
import { DBA_CHANNEL, ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';
import { submitUnchanged } from '../../support/view-state.ts';

const ADMIN = 'U0ADMIN001';
type Values = ViewSubmitAction['view']['state']['values'];
type View = { callback_id?: string; private_metadata?: string; blocks: unknown[] };

describe('App Home: rules as code and the workflow settings', () => {
  const t = useTestApp({ ADMIN_USER_IDS: ADMIN }, { start: startLifecycleApp });
  beforeAll(() => {
    t.slack.addUser({ id: ADMIN, name: 'ada' });
    t.slack.addChannel(DBA_CHANNEL);
  });
  beforeEach(async () => {
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, { type: 'system' }, rule.id);
  });

  const lastHome = (user: string) => JSON.stringify(t.slack.homes.get(user) ?? {});
  const press = (user: string, actionId: string, value: string) =>
    t.sender.blockAction({
      user_id: user,
      action_id: actionId,
      value,
      view: { id: 'VHOME', type: 'home', private_metadata: '{}' },
    });
  const submit = (user: string, view: View, values: Values) =>
    t.sender.viewSubmission({
      user_id: user,
      callback_id: 'rule_modal',
      values,
      private_metadata: view.private_metadata ?? '{}',
    });
  /** Opens the rule editor as the admin (Add rule, or Edit `ruleId`) and returns the modal Slack was asked to show. */
  const openEditor = async (ruleId?: string): Promise<View> => {
    const opened = t.slack.callsOf('views.open').length;
    await press(ADMIN, ruleId === undefined ? 'home_rule_add' : 'home_rule_edit', ruleId ?? 'new');
    return eventually(() => t.slack.callsOf('views.open')[opened]?.args.view as View | undefined);
  };
  const set = (values: Values, id: string, state: Record<string, unknown>) => {
    (values as Record<string, unknown>)[id] = { [id]: state };
  };
  const applyFile = (names: string[]) =>
    applyRules(
      t.app.deps,
      { type: 'service', id: 'gitops' },
      names.map((name) => ruleInput({ name })),
    );
  const auditOf = (type: string) =>
    query<{ actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      'SELECT actor_id, details FROM audit_events WHERE type = $1 ORDER BY id',
      [type],
    );

  it('shows rules applied from a file as managed as code, with only Detach from file', async () => {
    await applyFile(['From the file']);
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    const home = await eventually(() => (lastHome(ADMIN).includes('From the file') ? lastHome(ADMIN) : undefined));
    expect(home).toContain('managed as code');
    expect(home).toContain('home_rule_detach');
    for (const hidden of ['home_rule_edit', 'home_rule_delete', 'home_rule_up', 'home_rule_toggle']) {
      expect(home).not.toContain(hidden);
    }
  });

  it('refuses App Home changes to a managed rule on the server, whatever the view showed', async () => {
    await applyFile(['From the file']);
    const [rule] = await listRules(t.app.db);
    const id = rule?.id as string;
    // A stale Home (opened before the file was applied) still has Edit: the submission is refused inline.
    const editor = await openEditor();
    const values = submitUnchanged(editor);
    set(values, 'rule_name', { type: 'plain_text_input', value: 'Renamed in Slack' });
    set(values, 'rule_users', { type: 'multi_users_select', selected_users: [APPROVER_A] });
    const res = await submit(
      ADMIN,
      { ...editor, private_metadata: JSON.stringify({ ruleId: id, updatedAt: null }) },
      values,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text())).toEqual({ response_action: 'errors', errors: { rule_name: MANAGED_TEXT } });
    for (const action of ['home_rule_edit', 'home_rule_delete', 'home_rule_up', 'home_rule_toggle']) {
      await press(ADMIN, action, id);
    }
    await eventually(() => dmsTo(t, ADMIN).filter((text) => text === MANAGED_TEXT).length === 4);
    expect(await getRule(t.app.db, id)).toEqual(rule);
  });

  it('refuses moving an App Home rule past one managed as code: the file keeps its order', async () => {
    await applyFile(['From the file']);
    const own = await createRule(t.app.deps, { type: 'user', id: ADMIN }, ruleInput({ name: 'Made in Slack' }));
    await press(ADMIN, 'home_rule_up', own.id);
    await eventually(() =>
      dmsTo(t, ADMIN).some((text) => text.includes('“From the file”, which this rule would swap')),
    );
    expect((await listRules(t.app.db)).map((rule) => rule.name)).toEqual(['From the file', 'Made in Slack']);
  });

  it('detaches a rule for admins only, audited, after which App Home may edit it', async () => {
    await applyFile(['From the file']);
    const [rule] = await listRules(t.app.db);
    const id = rule?.id as string;
    await press(APPROVER_A, 'home_rule_detach', id);
    await eventually(async () => (await auditOf('admin.refused')).some((row) => row.actor_id === APPROVER_A));
    expect((await getRule(t.app.db, id))?.managedBy).toBe('file');

    await press(ADMIN, 'home_rule_detach', id);
    await eventually(async () => (await getRule(t.app.db, id))?.managedBy === null);
    expect((await auditOf('rule.detached')).at(-1)).toMatchObject({
      actor_id: ADMIN,
      details: { before: { managedBy: 'file' }, after: { managedBy: null } },
    });
    await eventually(() => lastHome(ADMIN).includes('home_rule_edit'));
    expect(lastHome(ADMIN)).not.toContain('managed as code');
    const editor = await openEditor(id);
    const values = submitUnchanged(editor);
    set(values, 'rule_name', { type: 'plain_text_input', value: 'Edited in Slack' });
    const res = await submit(ADMIN, editor, values);
    expect(await res.text()).toBe('');
    expect((await getRule(t.app.db, id))?.name).toBe('Edited in Slack');
  });

  it('saves the workflow settings the editor shows, and shows them when editing again', async () => {
    const editor = await openEditor();
    const values = submitUnchanged(editor);
    set(values, 'rule_name', { type: 'plain_text_input', value: 'Chained' });
    set(values, 'rule_users', { type: 'multi_users_select', selected_users: [APPROVER_A] });
    set(values, WORKFLOW_FIELDS.stageName(0), { type: 'plain_text_input', value: 'Lead' });
    set(values, WORKFLOW_FIELDS.stageUsers(0), { type: 'multi_users_select', selected_users: [APPROVER_A] });
    set(values, WORKFLOW_FIELDS.stageName(1), { type: 'plain_text_input', value: 'On call' });
    set(values, WORKFLOW_FIELDS.stageGroups(1), {
      type: 'multi_external_select',
      selected_options: [{ value: GROUP }],
    });
    set(values, WORKFLOW_FIELDS.reminderAfter, { type: 'number_input', value: '60' });
    set(values, WORKFLOW_FIELDS.escalationAfter(0), { type: 'number_input', value: '600' });
    set(values, WORKFLOW_FIELDS.escalationUsers(0), { type: 'multi_users_select', selected_users: [OUTSIDER] });
    set(values, WORKFLOW_FIELDS.escalationChannel(0), { type: 'conversations_select', selected_conversation: CHANNEL });
    set(values, WORKFLOW_FIELDS.breakGlass, { type: 'checkboxes', selected_options: [{ value: 'allowed' }] });
    set(values, WORKFLOW_FIELDS.needsInfo, { type: 'number_input', value: '900' });
    const res = await submit(ADMIN, editor, values);
    expect(await res.text()).toBe('');
    const [rule] = await listRules(t.app.db);
    expect(rule).toMatchObject({
      name: 'Chained',
      managedBy: null,
      stages: [
        { name: 'Lead', approvers: [APPROVER_A], requiredApprovals: 1 },
        { name: 'On call', approvers: [GROUP], requiredApprovals: 1 },
      ],
      reminder: { afterSeconds: 60, repeatSeconds: null },
      escalation: [{ afterSeconds: 600, approvers: [OUTSIDER], channelId: CHANNEL }],
      breakGlass: { allowed: true, channelId: null },
      needsInfo: { extendSeconds: 900 },
    });
    const again = JSON.stringify(await openEditor(rule?.id));
    for (const shown of [
      '"initial_value":"Lead"',
      '"initial_value":"600"',
      '"initial_value":"900"',
      `"initial_conversation":"${CHANNEL}"`,
    ]) {
      expect(again).toContain(shown);
    }
  });

  it('answers bad workflow settings inline, with the API’s messages, and saves nothing', async () => {
    const editor = await openEditor();
    const base = () => {
      const values = submitUnchanged(editor);
      set(values, 'rule_name', { type: 'plain_text_input', value: 'Bad' });
      set(values, 'rule_users', { type: 'multi_users_select', selected_users: [APPROVER_A] });
      return values;
    };
    const cases: Array<[(values: Values) => void, Record<string, string>]> = [
      [
        (v) => set(v, WORKFLOW_FIELDS.reminderAfter, { type: 'number_input', value: '5' }),
        { [WORKFLOW_FIELDS.reminderAfter]: 'must be at least 10 seconds' },
      ],
      [
        (v) => set(v, WORKFLOW_FIELDS.stageUsers(0), { type: 'multi_users_select', selected_users: [APPROVER_A] }),
        { [WORKFLOW_FIELDS.stageName(0)]: 'is required' },
      ],
      [
        (v) => {
          set(v, WORKFLOW_FIELDS.stageName(0), { type: 'plain_text_input', value: 'Two of one' });
          set(v, WORKFLOW_FIELDS.stageUsers(0), { type: 'multi_users_select', selected_users: [APPROVER_B] });
          set(v, WORKFLOW_FIELDS.stageRequired(0), { type: 'number_input', value: '2' });
        },
        { [WORKFLOW_FIELDS.stageRequired(0)]: "Needs 2 approvals but the stage's approvers are only 1 people" },
      ],
      [
        (v) => {
          set(v, WORKFLOW_FIELDS.escalationAfter(0), { type: 'number_input', value: '600' });
          set(v, WORKFLOW_FIELDS.escalationUsers(0), { type: 'multi_users_select', selected_users: [OUTSIDER] });
          set(v, WORKFLOW_FIELDS.escalationAfter(1), { type: 'number_input', value: '300' });
          set(v, WORKFLOW_FIELDS.escalationUsers(1), { type: 'multi_users_select', selected_users: [APPROVER_B] });
        },
        { [WORKFLOW_FIELDS.escalationAfter(1)]: 'Must be later than the level before it' },
      ],
      [
        (v) =>
          set(v, WORKFLOW_FIELDS.escalationChannel(0), {
            type: 'conversations_select',
            selected_conversation: CHANNEL,
          }),
        // A level with only a channel: its delay is what the schema asks for first.
        { [WORKFLOW_FIELDS.escalationAfter(0)]: 'must be at least 10 seconds' },
      ],
    ];
    for (const [change, errors] of cases) {
      const values = base();
      change(values);
      const res = await submit(ADMIN, editor, values);
      expect(JSON.parse(await res.text()), JSON.stringify(errors)).toEqual({ response_action: 'errors', errors });
    }
    expect(await listRules(t.app.db)).toEqual([]);
  });
});
