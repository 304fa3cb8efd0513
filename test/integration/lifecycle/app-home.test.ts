import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  createViaApi,
  dmsTo,
  eventually,
  GROUP,
  GROUP_MEMBER,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { DBA_CHANNEL } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = 'U0ADMIN001';
type Values = Record<string, Record<string, Record<string, unknown>>>;

/** A rule modal submission's state, as Slack sends it. */
function ruleValues(o: Partial<Record<string, unknown>> = {}): Values {
  const v = {
    name: 'Prod DB',
    action: 'db.*',
    resource: 'prod/**',
    envs: '',
    risk: 'any',
    timeMode: 'any',
    days: ['1', '2', '3', '4', '5'],
    start: '09:00',
    end: '18:00',
    tz: 'UTC',
    outcome: 'require_approval',
    deny: '',
    channel: DBA_CHANNEL,
    users: [APPROVER_B],
    groups: GROUP,
    n: '2',
    ttl: '',
    grant: '',
    flags: ['enabled'],
    ...o,
  } as Record<string, unknown>;
  const text = (value: unknown) => ({ type: 'plain_text_input', value: value === '' ? null : value });
  const sel = (value: unknown) => ({ type: 'static_select', selected_option: { value } });
  return {
    rule_name: { rule_name: text(v.name) },
    rule_action: { rule_action: text(v.action) },
    rule_resource: { rule_resource: text(v.resource) },
    rule_envs: { rule_envs: text(v.envs) },
    rule_risk: { rule_risk: sel(v.risk) },
    rule_time_mode: { rule_time_mode: sel(v.timeMode) },
    rule_days: {
      rule_days: { type: 'checkboxes', selected_options: (v.days as string[]).map((value) => ({ value })) },
    },
    rule_start: { rule_start: { type: 'timepicker', selected_time: v.start } },
    rule_end: { rule_end: { type: 'timepicker', selected_time: v.end } },
    rule_tz: { rule_tz: text(v.tz) },
    rule_outcome: { rule_outcome: sel(v.outcome) },
    rule_deny: { rule_deny: text(v.deny) },
    rule_channel: { rule_channel: { type: 'conversations_select', selected_conversation: v.channel } },
    rule_users: { rule_users: { type: 'multi_users_select', selected_users: v.users } },
    rule_groups: {
      rule_groups: {
        type: 'multi_external_select',
        selected_options: (v.groups === '' ? [] : String(v.groups).split(',')).map((value) => ({ value })),
      },
    },
    rule_n: { rule_n: { type: 'number_input', value: v.n } },
    rule_ttl: { rule_ttl: { type: 'number_input', value: v.ttl === '' ? null : v.ttl } },
    rule_grant: { rule_grant: { type: 'number_input', value: v.grant === '' ? null : v.grant } },
    rule_flags: {
      rule_flags: { type: 'checkboxes', selected_options: (v.flags as string[]).map((value) => ({ value })) },
    },
  };
}

describe('App Home', () => {
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
  const submitRule = (user: string, values: Values, ruleId: string | null = null, updatedAt: string | null = null) =>
    t.sender.viewSubmission({
      user_id: user,
      callback_id: 'rule_modal',
      values,
      private_metadata: JSON.stringify({ ruleId, updatedAt }),
    });
  const auditOf = (type: string) =>
    query<{ actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      'SELECT actor_id, details FROM audit_events WHERE type = $1 ORDER BY id',
      [type],
    );

  it('an admin adds a rule in App Home, and a matching webhook request follows it', async () => {
    await press(ADMIN, 'home_rule_add', 'new');
    const opened = await t.slack.waitForCall(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === 'rule_modal',
    );
    expect(opened.response.ok).toBe(true);

    const res = await submitRule(ADMIN, ruleValues());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [rule] = await listRules(t.app.db);
    expect(rule).toMatchObject({
      name: 'Prod DB',
      channelId: DBA_CHANNEL,
      approvers: [APPROVER_B, GROUP],
      requiredApprovals: 2,
    });
    expect((await auditOf('rule.created')).at(-1)).toMatchObject({
      actor_id: ADMIN,
      details: { after: { name: 'Prod DB' } },
    });
    await eventually(() => lastHome(ADMIN).includes('Prod DB'));

    const matching = await createViaApi(t);
    expect(matching.route).toMatchObject({ channel: DBA_CHANNEL, requiredApprovals: 2 });
    expect(matching.route.approvers.sort()).toEqual([APPROVER_B, GROUP_MEMBER].sort());
    await waitForCard(t, matching.id, DBA_CHANNEL);
    const other = await createViaApi(t, { action: 'deploy.api' });
    expect(other.route.channel).toBe('C0APPROVAL');
  });

  it('offers the workspace’s user groups in the rule editor, to admins only', async () => {
    t.slack.addUsergroup('S0DBAS0001', [APPROVER_B], 'dba-oncall');
    const res = await t.sender.blockSuggestion({ user_id: ADMIN, action_id: 'rule_groups', value: 'dba' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { options: Array<{ text: { text: string }; value: string }> };
    expect(body.options.map((o) => [o.value, o.text.text])).toEqual([['S0DBAS0001', '@dba-oncall']]);
    const outsider = await t.sender.blockSuggestion({ user_id: APPROVER_A, action_id: 'rule_groups', value: '' });
    expect(((await outsider.json()) as { options: unknown[] }).options).toEqual([]);
  });

  it('answers invalid rules inline and saves nothing', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ action: 'db.{a,b' }, 'rule_action', /unbalanced/],
      [{ timeMode: 'outside', tz: 'Mars/Olympus' }, 'rule_tz', /unknown time zone/],
      [{ n: '5' }, 'rule_n', /only 2 people/],
      [{ users: [], groups: '' }, 'rule_users', /at least one approver/],
      [{ name: '' }, 'rule_name', /required/],
    ];
    for (const [overrides, block, message] of cases) {
      const res = await submitRule(ADMIN, ruleValues(overrides));
      const body = (await res.json()) as { response_action: string; errors: Record<string, string> };
      expect(body.response_action).toBe('errors');
      expect(body.errors[block], JSON.stringify(body.errors)).toMatch(message);
    }
    expect(await listRules(t.app.db)).toEqual([]);
  });

  it('refuses and audits a non-admin replaying admin submissions and buttons', async () => {
    const res = await submitRule(APPROVER_A, ruleValues());
    const body = (await res.json()) as { errors: Record<string, string> };
    expect(body.errors.rule_name).toMatch(/Only Greenlight admins/);
    expect(await listRules(t.app.db)).toEqual([]);

    await submitRule(ADMIN, ruleValues());
    const [rule] = await listRules(t.app.db);
    await press(APPROVER_A, 'home_rule_delete', rule?.id as string);
    await eventually(async () => (await auditOf('admin.refused')).length >= 2);
    expect((await listRules(t.app.db)).map((r) => r.id)).toEqual([rule?.id]);
    const refused = await auditOf('admin.refused');
    expect(refused.map((r) => [r.actor_id, r.details.attempted])).toEqual([
      [APPROVER_A, 'rule_modal'],
      [APPROVER_A, 'home_rule_delete'],
    ]);
    await eventually(() => dmsTo(t, APPROVER_A).some((m) => m.includes('Only Greenlight admins')));
    expect(lastHome(APPROVER_A)).not.toContain('Routing rules');
  });

  it('edits, moves, disables and deletes rules, auditing before and after', async () => {
    await submitRule(ADMIN, ruleValues({ name: 'First' }));
    await submitRule(ADMIN, ruleValues({ name: 'Second', action: 'iam.*' }));
    const [first, second] = await listRules(t.app.db);
    await submitRule(ADMIN, ruleValues({ name: 'First, renamed', n: '1' }), first?.id as string);
    const updated = (await auditOf('rule.updated')).at(-1);
    expect(updated?.details).toMatchObject({
      before: { name: 'First', requiredApprovals: 2 },
      after: { name: 'First, renamed', requiredApprovals: 1 },
    });

    // A second editor who opened the form before that change is refused instead of overwriting it.
    const stale = await submitRule(
      ADMIN,
      ruleValues({ name: 'Stale edit' }),
      first?.id as string,
      first?.updatedAt.toISOString(),
    );
    expect(JSON.stringify(await stale.json())).toContain('Someone changed this rule since you opened it');
    expect((await listRules(t.app.db)).find((r) => r.id === first?.id)?.name).toBe('First, renamed');

    await press(ADMIN, 'home_rule_up', second?.id as string);
    await eventually(async () => (await listRules(t.app.db))[0]?.id === second?.id);
    await press(ADMIN, 'home_rule_toggle', second?.id as string);
    await eventually(async () => (await listRules(t.app.db))[0]?.enabled === false);
    expect((await auditOf('rule.disabled')).at(-1)?.details).toMatchObject({
      before: { enabled: true },
      after: { enabled: false },
    });
    await press(ADMIN, 'home_rule_delete', first?.id as string);
    await eventually(async () => (await listRules(t.app.db)).length === 1);
    expect((await auditOf('rule.deleted')).at(-1)?.details).toMatchObject({
      before: { name: 'First, renamed' },
      after: null,
    });
  });

  it('“Test a request” names the rule a real request would follow, and why', async () => {
    await submitRule(ADMIN, ruleValues({ name: 'Critical anything', action: '**', resource: '**', risk: 'critical' }));
    await submitRule(ADMIN, ruleValues({ name: 'Prod DB' }));
    const at = Math.floor(Date.now() / 1000);
    const simulate = async (risk: string) => {
      const res = await t.sender.viewSubmission({
        user_id: ADMIN,
        callback_id: 'rule_test_modal',
        values: {
          test_action: { test_action: { type: 'plain_text_input', value: 'db.drop_table' } },
          test_resource: { test_resource: { type: 'plain_text_input', value: 'prod/customers' } },
          test_env: { test_env: { type: 'plain_text_input', value: null } },
          test_risk: { test_risk: { type: 'static_select', selected_option: { value: risk } } },
          test_at: { test_at: { type: 'datetimepicker', selected_date_time: at } },
        },
      });
      return JSON.stringify(await res.json());
    };
    const high = await simulate('high');
    expect(high).toContain('Matches rule “Prod DB”');
    expect(high).toContain('risk high &lt; critical');
    const real = await createViaApi(t, { risk: 'high' });
    expect((real.route as unknown as { rule: { name: string } }).rule.name).toBe('Prod DB');
    expect(await simulate('critical')).toContain('Matches rule “Critical anything”');
    const realCritical = await createViaApi(t, { risk: 'critical' });
    expect((realCritical.route as unknown as { rule: { name: string } }).rule.name).toBe('Critical anything');
  });

  it('creates an API key shown once, which works until revoked', async () => {
    const res = await t.sender.viewSubmission({
      user_id: ADMIN,
      callback_id: 'api_key_modal',
      values: { key_name: { key_name: { type: 'plain_text_input', value: 'deploy-bot' } } },
    });
    const body = (await res.json()) as { response_action: string; view: { blocks: Array<{ text: { text: string } }> } };
    expect(body.response_action).toBe('update');
    const secret = /```(gl_[A-Za-z0-9_-]+)```/.exec(body.view.blocks[0]?.text.text ?? '')?.[1] as string;
    expect(secret).toBeDefined();
    // Its callback signing secret is shown beside it, once, and stored only encrypted.
    const signing = /```(whsec_[A-Za-z0-9+/=]+)```/.exec(body.view.blocks[1]?.text.text ?? '')?.[1] as string;
    expect(signing).toBeDefined();
    const stored = await query<{ key_hash: string; callback_secret: string }>(
      t.database.url,
      "SELECT key_hash, callback_secret FROM api_clients WHERE name = 'deploy-bot'",
    );
    expect(stored[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(JSON.stringify(stored)).not.toContain(signing.slice('whsec_'.length));
    expect(t.app.deps.box.open(stored[0]?.callback_secret as string)).toBe(signing);
    expect(
      (
        await api(t, 'POST', '/requests', {
          key: secret,
          body: { action: 'db.x', resource: 'r', reason: 'y', requester: { slackUserId: REQUESTER } },
        })
      ).status,
    ).toBe(201);

    const duplicate = await t.sender.viewSubmission({
      user_id: ADMIN,
      callback_id: 'api_key_modal',
      values: { key_name: { key_name: { type: 'plain_text_input', value: 'deploy-bot' } } },
    });
    expect(JSON.stringify(await duplicate.json())).toContain('already exists');

    const [client] = await query<{ id: string }>(
      t.database.url,
      "SELECT id FROM api_clients WHERE name = 'deploy-bot'",
    );
    await press(ADMIN, 'home_key_revoke', client?.id as string);
    await eventually(async () => (await api(t, 'GET', '/requests/x', { key: secret })).status === 401);
    expect((await auditOf('apikey.revoked')).length).toBe(1);
  });

  it('shows everyone their open requests, approvals waiting for them, and decisions; Cancel and Approve work from Home', async () => {
    // The shortest deadline sorts first, ahead of requests left by earlier tests.
    const mine = await createViaApi(t, {
      requester: { slackUserId: REQUESTER },
      resource: 'prod/home-mine',
      ttlSeconds: 60,
    });
    await t.sender.event({ type: 'app_home_opened', user: REQUESTER, tab: 'home' });
    await eventually(() => lastHome(REQUESTER).includes('prod/home-mine'));
    await t.sender.event({ type: 'app_home_opened', user: APPROVER_A, tab: 'home' });
    await eventually(() => lastHome(APPROVER_A).includes('prod/home-mine'));

    await press(APPROVER_A, 'approve_request', mine.id);
    await eventually(async () => (await api<ApiRequest>(t, 'GET', `/requests/${mine.id}`)).body.status === 'approved');
    await eventually(
      () => !lastHome(APPROVER_A).includes(`awaiting_${mine.id}`) && lastHome(APPROVER_A).includes('Approved'),
    );

    const other = await createViaApi(t, { requester: { slackUserId: REQUESTER }, resource: 'prod/home-cancel' });
    await press(REQUESTER, 'home_cancel_request', other.id);
    await eventually(
      async () => (await api<ApiRequest>(t, 'GET', `/requests/${other.id}`)).body.status === 'cancelled',
    );
    // Someone else cannot cancel it.
    const third = await createViaApi(t, { requester: { slackUserId: REQUESTER }, resource: 'prod/home-third' });
    await press(APPROVER_B, 'home_cancel_request', third.id);
    await eventually(() => dmsTo(t, APPROVER_B).some((m) => m.startsWith('Not cancelled')));
    expect((await api<ApiRequest>(t, 'GET', `/requests/${third.id}`)).body.status).toBe('pending');
  });

  it('pages long lists so Home stays inside Block Kit limits', async () => {
    for (let i = 0; i < 14; i += 1) await createViaApi(t, { requester: { slackUserId: REQUESTER } });
    for (let i = 0; i < 9; i += 1) await submitRule(ADMIN, ruleValues({ name: `Rule ${i}`, action: `a${i}.*` }));
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    // Republishes after each rule land asynchronously; the last one shows the first page of all nine.
    await eventually(() => lastHome(ADMIN).includes('home_page_rules_next'), 15_000);
    const view = t.slack.homes.get(ADMIN) as { blocks: unknown[] };
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view)).toContain('Rule 5');
    expect(JSON.stringify(view)).not.toContain('Rule 8');
    await t.sender.blockAction({
      user_id: ADMIN,
      action_id: 'home_page_rules_next',
      value: JSON.stringify({ rules: 1 }),
      view: { id: 'VHOME', type: 'home', private_metadata: '{}' },
    });
    await eventually(() => lastHome(ADMIN).includes('Rule 8'), 15_000);
  });
});
