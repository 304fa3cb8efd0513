import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setAway } from '../../../src/services/away/set-away.ts';
import { createRule, deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  click,
  createViaApi,
  ephemeralsTo,
  eventually,
  GROUP_MEMBER,
  OUTSIDER,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { DBA_CHANNEL, ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = 'U0ADMIN001';
const DAY = 86_400_000;

describe('out of office and delegation', () => {
  const t = useTestApp({ ADMIN_USER_IDS: ADMIN }, { start: startLifecycleApp });
  beforeAll(() => {
    t.slack.addUser({ id: ADMIN, name: 'ada' });
    t.slack.addChannel(DBA_CHANNEL);
  });
  beforeEach(async () => {
    await query(t.database.url, 'DELETE FROM away_statuses');
    // Written behind the service's back: tell it, as set-away and clear-away do.
    await t.app.deps.away.changed();
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, { type: 'system' }, rule.id);
  });

  const get = async (id: string) => (await api<ApiRequest>(t, 'GET', `/requests/${id}`)).body;
  const away = (userId: string, delegateId: string | null = null, days = 3) =>
    setAway(t.app.deps, { userId, delegateId, until: new Date(Date.now() + days * DAY) });
  const cardText = async (id: string, channel?: string) => JSON.stringify((await waitForCard(t, id, channel)).blocks);
  const auditOf = (type: string) =>
    query<{ actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      'SELECT actor_id, details FROM audit_events WHERE type = $1 ORDER BY id',
      [type],
    );
  const lastHome = (user: string) => JSON.stringify(t.slack.homes.get(user) ?? {});
  const press = (user: string, actionId: string, value: string) =>
    t.sender.blockAction({
      user_id: user,
      action_id: actionId,
      value,
      view: { id: 'VHOME', type: 'home', private_metadata: '{}' },
    });
  const submitAway = (user: string, until: Date | null, delegate: string | null) =>
    t.sender.viewSubmission({
      user_id: user,
      callback_id: 'away_modal',
      values: {
        away_until: {
          away_until: {
            type: 'datetimepicker',
            selected_date_time: until === null ? null : Math.floor(until.getTime() / 1000),
          },
        },
        away_delegate: { away_delegate: { type: 'users_select', selected_user: delegate } },
      },
    });

  it('an approver sets and clears their away status in App Home: checked, audited, and listed for admins', async () => {
    await press(APPROVER_A, 'home_away_set', 'set');
    const opened = await t.slack.waitForCall(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === 'away_modal',
    );
    expect(opened.response.ok).toBe(true);

    // Bad input: inline errors, nothing saved.
    const self = await submitAway(APPROVER_A, new Date(Date.now() + DAY), APPROVER_A);
    expect(await self.json()).toEqual({
      response_action: 'errors',
      errors: { away_delegate: 'Choose someone other than yourself, or nobody.' },
    });
    const past = await submitAway(APPROVER_A, new Date(Date.now() - 60_000), null);
    expect(await past.json()).toEqual({
      response_action: 'errors',
      errors: { away_until: 'Choose a time in the future.' },
    });
    const none = await submitAway(APPROVER_A, null, null);
    expect(((await none.json()) as { errors: Record<string, string> }).errors.away_until).toMatch(/Choose the date/);
    expect(await query(t.database.url, 'SELECT 1 FROM away_statuses')).toHaveLength(0);
    expect(await auditOf('away.set')).toHaveLength(0);

    const until = new Date(Date.now() + 2 * DAY);
    const saved = await submitAway(APPROVER_A, until, OUTSIDER);
    expect(saved.status).toBe(200);
    expect(await saved.text()).toBe('');
    const [event] = await auditOf('away.set');
    expect(event).toMatchObject({ actor_id: APPROVER_A, details: { user: APPROVER_A, delegate: OUTSIDER } });
    expect(new Date(String(event?.details.until)).getTime()).toBe(Math.floor(until.getTime() / 1000) * 1000);
    await eventually(() => lastHome(APPROVER_A).includes('You are away until'));
    expect(lastHome(APPROVER_A)).toContain(`delegate <@${OUTSIDER}>`);

    // Admins see who is away, until when, and their delegate; nobody else does.
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    await eventually(() => lastHome(ADMIN).includes('Who is away'));
    expect(lastHome(ADMIN)).toContain(`<@${APPROVER_A}> until`);
    await t.sender.event({ type: 'app_home_opened', user: APPROVER_B, tab: 'home' });
    await eventually(() => lastHome(APPROVER_B).includes('Out of office'));
    expect(lastHome(APPROVER_B)).not.toContain('Who is away');

    await press(APPROVER_A, 'home_away_clear', 'clear');
    await eventually(async () => (await auditOf('away.cleared')).length === 1);
    expect((await auditOf('away.cleared'))[0]).toMatchObject({
      actor_id: APPROVER_A,
      details: { user: APPROVER_A, delegate: OUTSIDER },
    });
    await eventually(() => lastHome(APPROVER_A).includes('You are not away'));
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    await eventually(() => lastHome(ADMIN).includes('Nobody is away'));
  });

  it('skips an away approver for their delegate: the delegate decides, the away approver is refused', async () => {
    await away(APPROVER_A, OUTSIDER);
    const request = await createViaApi(t);
    const body = await get(request.id);
    expect(body.route.approvers.sort()).toEqual([APPROVER_B, GROUP_MEMBER, OUTSIDER].sort());
    const text = await cardText(request.id);
    expect(text).toContain(`<@${APPROVER_A}> is away until`);
    expect(text).toContain(`delegated to <@${OUTSIDER}>`);
    const created = body.audit?.find((e) => e.type === 'request.created');
    expect(created?.details.routingNotes).toMatchObject({
      away: [{ user: APPROVER_A, delegate: OUTSIDER }],
      everyoneAway: false,
    });

    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(() => ephemeralsTo(t, APPROVER_A).length > 0);
    expect((await get(request.id)).status).toBe('pending');
    await click(t, OUTSIDER, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
    const audit = (await get(request.id)).audit ?? [];
    expect(audit.find((e) => e.type === 'decision.refused')).toMatchObject({
      actor: { id: APPROVER_A },
      details: { reason: 'not_an_approver' },
    });
    expect((await get(request.id)).decision?.by).toBe(OUTSIDER);
  });

  it('never delegates to the requester, nor to someone away: the rest of the list answers', async () => {
    await away(APPROVER_A, REQUESTER);
    await away(APPROVER_B, GROUP_MEMBER);
    await away(GROUP_MEMBER, null);
    // A's delegate is the requester, B's delegate is away, the group member has none: but the
    // requester cannot approve, so nobody is left and everyone is asked.
    const request = await createViaApi(t);
    expect((await get(request.id)).route.approvers.sort()).toEqual([APPROVER_A, APPROVER_B, GROUP_MEMBER].sort());
    expect(await cardText(request.id)).toContain('Everyone routed is away; all were asked.');

    // With one approver present, the away ones are skipped and nobody is delegated to.
    await query(t.database.url, 'DELETE FROM away_statuses WHERE slack_user_id = $1', [GROUP_MEMBER]);
    await t.app.deps.away.changed();
    const second = await createViaApi(t);
    const approvers = (await get(second.id)).route.approvers;
    expect(approvers).toEqual([GROUP_MEMBER]);
    expect(approvers).not.toContain(REQUESTER);
    const text = await cardText(second.id);
    expect(text).toContain(`<@${APPROVER_A}> is away until`);
    expect(text).toContain('not asked');
    expect(text).not.toContain('Everyone routed is away');
  });

  it('asks everyone when everyone is away, and any of them may approve', async () => {
    for (const user of [APPROVER_A, APPROVER_B, GROUP_MEMBER]) await away(user);
    const request = await createViaApi(t);
    expect((await get(request.id)).route.approvers.sort()).toEqual([APPROVER_A, APPROVER_B, GROUP_MEMBER].sort());
    expect(await cardText(request.id)).toContain('Everyone routed is away; all were asked.');
    await click(t, APPROVER_B, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
  });

  it('asks everyone when the quorum could not be met without the away approvers', async () => {
    await createRule(t.app.deps, { type: 'system' }, ruleInput());
    // The rule needs 2 of B and the group (its member): with B away and no delegate, 1 is left.
    await away(APPROVER_B);
    const request = await createViaApi(t);
    const body = await get(request.id);
    expect(body.route.approvers.sort()).toEqual([APPROVER_B, GROUP_MEMBER].sort());
    expect(await cardText(request.id, DBA_CHANNEL)).toContain('Everyone routed is away; all were asked.');

    // A delegate keeps the quorum reachable: B is skipped for them.
    await away(APPROVER_B, OUTSIDER);
    const second = await createViaApi(t);
    expect((await get(second.id)).route.approvers.sort()).toEqual([GROUP_MEMBER, OUTSIDER].sort());
  });

  it('an away status that has passed no longer reroutes', async () => {
    await t.app.db.awayStatus.create({
      data: { slackUserId: APPROVER_A, awayUntil: new Date(Date.now() - 1000), delegateId: OUTSIDER },
    });
    await t.app.deps.away.changed();
    const request = await createViaApi(t);
    expect((await get(request.id)).route.approvers.sort()).toEqual([APPROVER_A, APPROVER_B, GROUP_MEMBER].sort());
    expect(await cardText(request.id)).not.toContain('is away');
  });
});
