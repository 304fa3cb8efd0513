import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRule, deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  buttonsOf,
  createViaApi,
  dmsTo,
  eventually,
  GROUP_MEMBER,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { DBA_CHANNEL, ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };

describe('policy routing', () => {
  // A fixed clock: Monday 2026-11-23 11:00 in Berlin (10:00 UTC), unless a test moves it.
  let clock = new Date('2026-11-23T10:00:00Z');
  const started = Date.now();
  const t = useTestApp({}, { start: startLifecycleApp, now: () => new Date(clock.getTime() + (Date.now() - started)) });
  beforeAll(() => {
    t.slack.addChannel(DBA_CHANNEL);
  });
  beforeEach(async () => {
    clock = new Date('2026-11-23T10:00:00Z');
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, ADMIN, rule.id);
  });
  const get = async (id: string) =>
    (await api<ApiRequest & { route: { rule: { name: string } | null } }>(t, 'GET', `/requests/${id}`)).body;

  it('sends a matching request to the rule’s channel, approvers and quorum, and says which rule', async () => {
    await createRule(t.app.deps, ADMIN, ruleInput());
    const request = await createViaApi(t);
    const body = await get(request.id);
    expect(body.route).toMatchObject({
      rule: { name: 'Production databases' },
      channel: DBA_CHANNEL,
      requiredApprovals: 2,
    });
    expect(body.route.approvers.sort()).toEqual([APPROVER_B, GROUP_MEMBER].sort());
    const card = await waitForCard(t, request.id, DBA_CHANNEL);
    expect(JSON.stringify(card.blocks)).toContain('rule “Production databases”');

    // N of M: one approval is progress, the second distinct approver approves; A is not routed here.
    const approve = (user: string) =>
      t.sender.blockAction({
        user_id: user,
        action_id: 'approve_request',
        value: request.id,
        channel_id: DBA_CHANNEL,
        message_ts: card.ts,
      });
    await approve(APPROVER_A);
    await approve(APPROVER_B);
    await eventually(async () => (await get(request.id)).votes.length === 1);
    expect((await get(request.id)).status).toBe('pending');
    await approve(GROUP_MEMBER);
    await eventually(async () => (await get(request.id)).status === 'approved');
    const audit = (await get(request.id)).audit ?? [];
    expect(audit.filter((e) => e.type === 'decision.refused').map((e) => e.actor.id)).toEqual([APPROVER_A]);
  });

  it('falls through to the default route when no rule matches', async () => {
    await createRule(t.app.deps, ADMIN, ruleInput());
    const request = await createViaApi(t, { action: 'deploy.service', resource: 'prod/api' });
    const body = await get(request.id);
    expect(body.route.rule).toBeNull();
    expect(body.route.channel).toBe('C0APPROVAL');
    await waitForCard(t, request.id);
  });

  it('auto-approves: still carded and audited, the requester is told', async () => {
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        name: 'Staging is fine',
        resourcePatterns: ['staging/**'],
        outcome: 'auto_approve',
        approvers: [],
        requiredApprovals: 1,
      }),
    );
    const request = await createViaApi(t, { resource: 'staging/customers', requester: { slackUserId: REQUESTER } });
    expect(request.status).toBe('approved');
    const body = await get(request.id);
    expect(body.decision).toMatchObject({ status: 'approved', by: 'rule:Staging is fine' });
    expect(body.audit?.map((e) => e.type)).toEqual(['request.created', 'request.auto_approved']);
    const card = await waitForCard(t, request.id, DBA_CHANNEL);
    expect(buttonsOf(card)).toEqual([]);
    expect(JSON.stringify(card.blocks)).toContain('automatically by rule “Staging is fine”');
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('Approved') && m.includes('Staging is fine')));
  });

  it('auto-denies with the rule’s message', async () => {
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        name: 'No exports',
        actionPatterns: ['data.export'],
        resourcePatterns: ['**'],
        outcome: 'auto_deny',
        denyMessage: 'Exports go through the DPO',
        approvers: [],
      }),
    );
    const request = await createViaApi(t, { action: 'data.export', resource: 'prod/customers' });
    expect(request.status).toBe('denied');
    expect((await get(request.id)).decision).toMatchObject({ reason: 'Exports go through the DPO' });
  });

  it('honours time conditions in the rule’s time zone (fixed clock)', async () => {
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        name: 'After hours',
        actionPatterns: ['**'],
        timeCondition: {
          mode: 'outside',
          days: [1, 2, 3, 4, 5],
          start: '09:00',
          end: '18:00',
          timeZone: 'Europe/Berlin',
        },
      }),
    );
    // Monday 11:00 Berlin: inside office hours, so the rule does not apply.
    expect((await get((await createViaApi(t)).id)).route.rule).toBeNull();
    // Monday 18:30 Berlin (17:30 UTC): after hours.
    clock = new Date('2026-11-23T17:30:00Z');
    expect((await get((await createViaApi(t)).id)).route.rule?.name).toBe('After hours');
  });

  it('caps the time to decide at the rule’s limit', async () => {
    await createRule(t.app.deps, ADMIN, ruleInput({ ttlSeconds: 300 }));
    const request = await createViaApi(t, { ttlSeconds: 3600 });
    const body = await get(request.id);
    const created = (body as unknown as { createdAt: string }).createdAt;
    expect(new Date(body.expiresAt).getTime() - new Date(created).getTime()).toBe(300_000);
  });

  it('asks approvers for a reason when the rule requires one', async () => {
    await createRule(t.app.deps, ADMIN, ruleInput({ requiredApprovals: 1, requireReason: true }));
    const request = await createViaApi(t);
    const card = await waitForCard(t, request.id, DBA_CHANNEL);
    await t.sender.blockAction({
      user_id: APPROVER_B,
      action_id: 'approve_request',
      value: request.id,
      channel_id: DBA_CHANNEL,
      message_ts: card.ts,
    });
    const opened = await t.slack.waitForCall('views.open', (c) => JSON.stringify(c.args.view).includes(request.id));
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('approve_reason_modal');
    expect((await get(request.id)).status).toBe('pending');
    await t.sender.viewSubmission({
      user_id: APPROVER_B,
      callback_id: 'approve_reason_modal',
      private_metadata: view.private_metadata,
      values: { reason: { reason: { type: 'plain_text_input', value: 'Verified backup OPS-1' } } },
    });
    const body = await get(request.id);
    expect(body.status).toBe('approved');
    expect(body.votes[0]).toMatchObject({ voter: APPROVER_B, reason: 'Verified backup OPS-1' });
  });
});
