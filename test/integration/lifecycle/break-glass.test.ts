import { beforeAll, describe, expect, it } from 'vitest';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  createViaApi,
  dmsTo,
  eventually,
  OUTSIDER,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { DBA_CHANNEL, ruleInput } from '../../support/rules.ts';
import type { StoredMessage } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = 'U0ADMIN001';
const GLASS_CHANNEL = 'C0INCIDENT';

type GlassRequest = ApiRequest & {
  breakGlass: boolean;
  breakGlassReview: { verdict: string; note: string | null; by: string } | null;
  decision: {
    status: string;
    by: string;
    reason: string | null;
    actor: { type: string; id: string; onBehalfOf?: string };
  } | null;
  grant: { token: string } | null;
};

describe('break-glass', () => {
  const t = useTestApp({ ADMIN_USER_IDS: ADMIN }, { start: startLifecycleApp });
  beforeAll(async () => {
    t.slack.addChannel(DBA_CHANNEL);
    t.slack.addChannel(GLASS_CHANNEL);
    t.slack.addUser({ id: ADMIN, name: 'ada' });
    const admin = { type: 'user' as const, id: ADMIN };
    // prod/** allows break-glass (announced in #incident); staging/** does not.
    await createRule(
      t.app.deps,
      admin,
      ruleInput({
        name: 'Prod, break-glass allowed',
        approvers: [APPROVER_A, APPROVER_B],
        requiredApprovals: 1,
        breakGlass: { allowed: true, channelId: GLASS_CHANNEL },
      }),
    );
    await createRule(
      t.app.deps,
      admin,
      ruleInput({ name: 'Staging', resourcePatterns: ['staging/**'], approvers: [APPROVER_A], requiredApprovals: 1 }),
    );
  });

  const get = async (id: string) => (await api<GlassRequest>(t, 'GET', `/requests/${id}`)).body;
  const announcementOf = (id: string) =>
    eventually(() =>
      [...t.slack.messages.values()].find(
        (m) => m.channel === GLASS_CHANNEL && JSON.stringify(m.blocks ?? []).includes(id),
      ),
    );
  const blockIds = (message: StoredMessage) =>
    (message.blocks ?? []).map((b) => (b as { block_id?: string }).block_id).filter(Boolean);
  const pressOnCard = async (user: string, actionId: string, requestId: string, blockId: string) => {
    const card = await waitForCard(t, requestId, DBA_CHANNEL);
    const trigger = `trigger-${user}-${actionId}-${Date.now()}`;
    const res = await t.sender.blockAction({
      user_id: user,
      action_id: actionId,
      value: requestId,
      channel_id: DBA_CHANNEL,
      message_ts: card.ts,
      block_id: blockId,
      trigger_id: trigger,
    });
    expect(res.status).toBe(200);
    return trigger;
  };
  const ephemeralTo = (user: string, text: string) =>
    eventually(
      () =>
        t.slack.callsOf('chat.postEphemeral').some((c) => c.args.user === user && String(c.args.text).includes(text)),
      5000,
      `ephemeral “${text}” to ${user}`,
    );
  const modalOpened = async (trigger: string) =>
    (await t.slack.waitForCall('views.open', (c) => c.args.trigger_id === trigger)).args.view as {
      callback_id: string;
      private_metadata: string;
    };
  const homeOf = (user: string) => JSON.stringify(t.slack.homes.get(user) ?? {});

  it('approves at once from the API, flagged, announced, and reviewable by a routed approver', async () => {
    const res = await api<GlassRequest>(t, 'POST', '/requests', {
      body: { ...VALID_BODY, breakGlass: true, breakGlassReason: 'Prod is down, INC-7; on-call unreachable' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'approved',
      breakGlass: true,
      breakGlassReview: null,
      // The service broke the glass, on behalf of the person it named (on-behalf.test.ts has the rest).
      decision: {
        status: 'approved',
        by: 'service:ci',
        actor: { type: 'service', id: 'ci', onBehalfOf: REQUESTER },
        reason: 'Prod is down, INC-7; on-call unreachable',
      },
    });
    expect(res.body.grant?.token).toBeTruthy();
    const { id } = res.body;
    const audit = (await get(id)).audit ?? [];
    expect(audit.map((e) => e.type)).toEqual(['request.created', 'break_glass.used', 'request.approved']);
    expect(audit[2]?.details).toMatchObject({ breakGlass: true });

    // Loud, in the rule's break-glass channel; the card says so and carries Review.
    const announcement = await announcementOf(id);
    expect(announcement.text).toContain('BREAK-GLASS');
    expect(JSON.stringify(announcement.blocks)).toContain('Prod is down, INC-7');
    const card = await waitForCard(t, id, DBA_CHANNEL);
    expect(blockIds(card)).toContain('break_glass_review');
    expect(blockIds(card)).not.toContain('decision');

    // Admins see it in App Home until it is reviewed.
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    await eventually(() => homeOf(ADMIN).includes('Break-glass to review') && homeOf(ADMIN).includes(id));

    // Neither the requester nor someone outside the route may review it.
    await pressOnCard(REQUESTER, 'break_glass_review', id, 'break_glass_review');
    await ephemeralTo(REQUESTER, "can't review your own break-glass use");
    await pressOnCard(OUTSIDER, 'break_glass_review', id, 'break_glass_review');
    await ephemeralTo(OUTSIDER, 'Only the request');

    const trigger = await pressOnCard(APPROVER_A, 'break_glass_review', id, 'break_glass_review');
    const modal = await modalOpened(trigger);
    expect(modal.callback_id).toBe('break_glass_review_modal');
    const submit = (verdict: string | null, note: string) =>
      t.sender.viewSubmission({
        user_id: APPROVER_A,
        callback_id: 'break_glass_review_modal',
        private_metadata: modal.private_metadata,
        values: {
          verdict: {
            verdict: { type: 'radio_buttons', selected_option: verdict === null ? null : { value: verdict } },
          },
          note: { note: { type: 'plain_text_input', value: note } },
        },
      });
    const incomplete = (await (await submit(null, ' ')).json()) as { response_action: string; errors: object };
    expect(incomplete.response_action).toBe('errors');
    expect(Object.keys(incomplete.errors).sort()).toEqual(['note', 'verdict']);
    expect((await get(id)).breakGlassReview).toBeNull();

    const done = await submit('not_acceptable', 'A second on-call was reachable by phone');
    expect(done.status).toBe(200);
    expect(await done.text()).toBe('');
    const reviewed = await get(id);
    expect(reviewed.breakGlassReview).toMatchObject({
      verdict: 'not_acceptable',
      note: 'A second on-call was reachable by phone',
      by: APPROVER_A,
    });
    expect(reviewed.audit?.at(-1)).toMatchObject({ type: 'break_glass.reviewed', actor: { id: APPROVER_A } });
    const types = (reviewed.audit ?? []).map((e) => e.type);
    expect(types.filter((type) => type === 'break_glass.review_refused')).toHaveLength(2);
    await eventually(async () => {
      const blocks = JSON.stringify((await waitForCard(t, id, DBA_CHANNEL)).blocks);
      return blocks.includes('Not acceptable') && !blocks.includes('break_glass_review');
    });
    // Reviewed once: B cannot review again; App Home no longer lists it.
    await pressOnCard(APPROVER_B, 'break_glass_review', id, 'break_glass_review');
    await ephemeralTo(APPROVER_B, 'already reviewed');
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    await eventually(() => homeOf(ADMIN).includes('Every break-glass use has been reviewed'));
    expect(homeOf(ADMIN)).not.toContain(id);
  });

  it('from Slack: only the requester can break glass, with a justification', async () => {
    const request = await createViaApi(t);
    const card = await waitForCard(t, request.id, DBA_CHANNEL);
    expect(blockIds(card)).toContain('break_glass');

    await pressOnCard(APPROVER_A, 'break_glass', request.id, 'break_glass');
    await ephemeralTo(APPROVER_A, 'Only the requester can break glass');
    const trigger = await pressOnCard(REQUESTER, 'break_glass', request.id, 'break_glass');
    const modal = await modalOpened(trigger);
    expect(modal.callback_id).toBe('break_glass_modal');
    const submit = (reason: string) =>
      t.sender.viewSubmission({
        user_id: REQUESTER,
        callback_id: 'break_glass_modal',
        private_metadata: modal.private_metadata,
        values: { break_glass_reason: { break_glass_reason: { type: 'plain_text_input', value: reason } } },
      });
    const empty = (await (await submit('  ')).json()) as { errors: Record<string, string> };
    expect(Object.keys(empty.errors)).toEqual(['break_glass_reason']);
    expect((await get(request.id)).status).toBe('pending');

    expect((await submit('Customer data leaking, must drop now')).status).toBe(200);
    const body = await get(request.id);
    expect(body).toMatchObject({ status: 'approved', breakGlass: true, decision: { by: REQUESTER } });
    expect((body.audit ?? []).find((e) => e.type === 'request.approved')?.details).toMatchObject({ breakGlass: true });
    expect((body.audit ?? []).filter((e) => e.type === 'break_glass.refused').map((e) => e.actor.id)).toEqual([
      APPROVER_A,
    ]);
    await announcementOf(request.id);
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('Approved')));
  });

  it('offers Break glass in the Slack requester’s confirmation DM', async () => {
    const res = await t.sender.viewSubmission({
      user_id: REQUESTER,
      callback_id: 'request_action_modal',
      values: {
        action: { action: { type: 'plain_text_input', value: 'db.restore' } },
        resource: { resource: { type: 'plain_text_input', value: 'prod/orders' } },
        environment: { environment: { type: 'plain_text_input', value: null } },
        risk: { risk: { type: 'static_select', selected_option: { value: 'high' } } },
        reason: { reason: { type: 'plain_text_input', value: 'Restore after bad migration' } },
        ttl: { ttl: { type: 'static_select', selected_option: { value: '900' } } },
      },
    });
    expect(res.status).toBe(200);
    const dm = await eventually(() =>
      t.slack
        .callsOf('chat.postMessage')
        .find((c) => String(c.args.text).includes('`db.restore` on `prod/orders` is waiting for approval')),
    );
    expect(JSON.stringify(dm.args.blocks)).toContain('"action_id":"break_glass"');
  });

  it('re-sends an announcement lost with Redis once, from the reconciler', async () => {
    const notify = t.app.jobs.queue('notify');
    await waitForQueueIdle(notify);
    await notify.pause();
    const created = await api<GlassRequest>(t, 'POST', '/requests', {
      body: { ...VALID_BODY, resource: 'prod/lost', breakGlass: true, breakGlassReason: 'Lost in a flush' },
    });
    await waitForCard(t, created.body.id, DBA_CHANNEL);
    await notify.obliterate({ force: true });
    await notify.resume();
    await query(
      t.database.url,
      "UPDATE approval_requests SET decided_at = decided_at - interval '2 minutes' WHERE id = $1",
      [created.body.id],
    );
    const announcements = () =>
      [...t.slack.messages.values()].filter(
        (m) => m.channel === GLASS_CHANNEL && JSON.stringify(m.blocks ?? []).includes(created.body.id),
      );
    expect(announcements()).toHaveLength(0);
    expect((await reconcileNow(t.app.deps)).renotified).toBeGreaterThanOrEqual(1);
    await eventually(() => announcements().length === 1);
    await reconcileNow(t.app.deps);
    await waitForQueueIdle(notify);
    expect(announcements()).toHaveLength(1);
  });

  it('is refused with 400 where the rule does not allow it, or without a justification, and creates nothing', async () => {
    const count = async () => (await query(t.database.url, 'SELECT id FROM approval_requests')).length;
    const before = await count();
    const notAllowed = await api<{ error: { code: string; fields: Array<{ path: string }> } }>(t, 'POST', '/requests', {
      body: { ...VALID_BODY, resource: 'staging/db', breakGlass: true, breakGlassReason: 'hurry' },
    });
    expect(notAllowed.status).toBe(400);
    expect(notAllowed.body.error.fields.map((f) => f.path)).toEqual(['breakGlass']);
    const noReason = await api<{ error: { fields: Array<{ path: string }> } }>(t, 'POST', '/requests', {
      body: { ...VALID_BODY, breakGlass: true },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields.map((f) => f.path)).toEqual(['breakGlassReason']);
    expect(await count()).toBe(before);
    // A pending staging request offers no Break glass, and a press is refused.
    const request = await createViaApi(t, { resource: 'staging/db' });
    const card = await waitForCard(t, request.id, DBA_CHANNEL);
    expect(blockIds(card)).not.toContain('break_glass');
    await pressOnCard(REQUESTER, 'break_glass', request.id, 'break_glass');
    await ephemeralTo(REQUESTER, 'Break-glass is not allowed for this request');
    expect((await get(request.id)).status).toBe('pending');
  });
});
