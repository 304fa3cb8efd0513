import { describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { verifyAuditChain } from '../../../src/services/audit/audit.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  buttonsOf,
  CHANNEL,
  cardOf,
  click,
  createViaApi,
  dmsTo,
  ephemeralsTo,
  eventually,
  GROUP_MEMBER,
  OUTSIDER,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

describe('webhook → card → Approve / Deny', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  const get = async (id: string) => (await api<ApiRequest>(t, 'GET', `/requests/${id}`)).body;

  it('creates a pending request and posts a complete card with Approve and Deny', async () => {
    const res = await api<ApiRequest & Record<string, unknown>>(t, 'POST', '/requests', {
      body: {
        action: 'db.drop_table',
        resource: 'prod/customers',
        reason: 'Replaced by customers_v2 <see OPS-1234>',
        requester: { email: 'RITA@example.com' },
        environment: 'production',
        risk: 'high',
        context: { ticket: 'OPS-1234', rows: 1200000, backup_verified: true, note: 'x'.repeat(5000).slice(0, 2000) },
        ttlSeconds: 600,
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/requests/${res.body.id}`);
    expect(res.body).toMatchObject({
      status: 'pending',
      action: 'db.drop_table',
      requester: { slackUserId: REQUESTER, email: 'RITA@example.com' },
      route: { channel: CHANNEL, requiredApprovals: 1 },
    });
    expect(res.body.route.approvers.sort()).toEqual([APPROVER_A, APPROVER_B, GROUP_MEMBER].sort());
    const expiresIn = new Date(res.body.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThanOrEqual(600_000);

    const card = await waitForCard(t, res.body.id);
    const text = JSON.stringify(card.blocks);
    for (const expected of [
      'db.drop_table',
      'prod/customers',
      'production',
      'High',
      `<@${REQUESTER}>`,
      'Replaced by customers_v2 &lt;see OPS-1234&gt;',
      'OPS-1234',
      '1200000',
      'backup_verified',
      '<!date^',
      res.body.id,
    ]) {
      expect(text).toContain(expected);
    }
    const buttons = buttonsOf(card);
    expect(buttons.map((b) => [b.text.text, b.style])).toEqual([
      ['Approve', 'primary'],
      ['Deny', 'danger'],
    ]);
    expect(buttons[0]?.confirm).toBeUndefined();
    // The person the service named is told, once, that it asked in their name, with a link to the card.
    const cardJob = await t.app.jobs.queue(QUEUES.cards).getJob(`card-post-${res.body.id}`);
    await eventually(async () => (await cardJob?.getState()) === 'completed', 5000, 'card job completed');
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.notify));
    const told = dmsTo(t, REQUESTER).filter((m) => m.includes(`/p${card.ts.replace('.', '')}`));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^Service \*ci\* made a request in your name for .* It is waiting for approval/);
  });

  it('asks for confirmation before approving a critical action', async () => {
    const request = await createViaApi(t, { risk: 'critical' });
    const card = await waitForCard(t, request.id);
    expect(buttonsOf(card)[0]?.confirm).toMatchObject({ title: { text: 'Approve a critical action?' } });
  });

  it('approves on a routed approver’s click: card updated in place, thread reply, requester DM, audit trail', async () => {
    const request = await createViaApi(t);
    const card = await waitForCard(t, request.id);
    const res = await click(t, APPROVER_A, 'approve_request', request.id);
    expect(res.status).toBe(200);

    const updated = await eventually(() => {
      const current = cardOf(t, request.id);
      return current !== undefined && buttonsOf(current).length === 0 ? current : undefined;
    });
    expect(updated.ts).toBe(card.ts);
    expect(JSON.stringify(updated.blocks)).toContain(`Approved* by <@${APPROVER_A}>`);
    const reply = await eventually(() =>
      [...t.slack.messages.values()].find((m) => m.thread_ts === card.ts && m.text?.includes('Approved')),
    );
    expect(reply.text).toContain(`<@${APPROVER_A}>`);
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('Approved') && m.includes('prod/customers')));

    const body = await get(request.id);
    expect(body.status).toBe('approved');
    expect(body.decision).toMatchObject({ status: 'approved', by: APPROVER_A });
    expect(body.votes).toEqual([expect.objectContaining({ voter: APPROVER_A, decision: 'approve' })]);
    expect(body.audit?.map((e) => e.type)).toEqual(['request.created', 'vote.recorded', 'request.approved']);
    expect(await verifyAuditChain(t.app.db, request.id)).toBeNull();
  });

  it('a member of an approver user group may approve', async () => {
    const request = await createViaApi(t);
    await click(t, GROUP_MEMBER, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
  });

  it('denies with a required reason through the Deny modal', async () => {
    const request = await createViaApi(t);
    await click(t, APPROVER_B, 'deny_request', request.id);
    const opened = await t.slack.waitForCall(
      'views.open',
      (c) =>
        JSON.stringify(c.args.view).includes(request.id) &&
        (c.args.view as { callback_id: string }).callback_id === 'deny_reason_modal',
    );
    const view = opened.args.view as { private_metadata: string; title: { text: string } };
    expect(view.title.text).toBe('Deny request');

    const empty = await t.sender.viewSubmission({
      user_id: APPROVER_B,
      callback_id: 'deny_reason_modal',
      private_metadata: view.private_metadata,
      values: { reason: { reason: { type: 'plain_text_input', value: '   ' } } },
    });
    expect(await empty.json()).toEqual({
      response_action: 'errors',
      errors: { reason: 'A reason is required to deny.' },
    });
    expect((await get(request.id)).status).toBe('pending');

    const submitted = await t.sender.viewSubmission({
      user_id: APPROVER_B,
      callback_id: 'deny_reason_modal',
      private_metadata: view.private_metadata,
      values: { reason: { reason: { type: 'plain_text_input', value: 'Not during the freeze' } } },
    });
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toBe('');
    const body = await get(request.id);
    expect(body.status).toBe('denied');
    expect(body.decision).toMatchObject({ by: APPROVER_B, reason: 'Not during the freeze' });
    const updated = await eventually(() => {
      const current = cardOf(t, request.id);
      return current !== undefined && buttonsOf(current).length === 0 ? current : undefined;
    });
    expect(JSON.stringify(updated.blocks)).toContain('Not during the freeze');
    await eventually(() =>
      dmsTo(t, REQUESTER).some((m) => m.includes('Denied') && m.includes('Not during the freeze')),
    );
  });

  it('refuses self-approval and non-approvers with an ephemeral explanation, recording only an audit event', async () => {
    const request = await createViaApi(t, { requester: { slackUserId: APPROVER_A } });
    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(() => ephemeralsTo(t, APPROVER_A).some((m) => m.includes("can't approve your own request")));
    await click(t, OUTSIDER, 'approve_request', request.id);
    await eventually(() => ephemeralsTo(t, OUTSIDER).some((m) => m.includes('not an approver')));
    await click(t, OUTSIDER, 'deny_request', request.id);
    await eventually(() => ephemeralsTo(t, OUTSIDER).filter((m) => m.includes('not an approver')).length === 2);

    const body = await get(request.id);
    expect(body.status).toBe('pending');
    expect(body.votes).toEqual([]);
    const refusals = body.audit?.filter((e) => e.type === 'decision.refused') ?? [];
    expect(refusals.map((e) => [e.actor.id, e.details.reason])).toEqual([
      [APPROVER_A, 'self_approval'],
      [OUTSIDER, 'not_an_approver'],
      [OUTSIDER, 'not_an_approver'],
    ]);
    // No deny modal was opened for the outsider.
    expect(t.slack.callsOf('views.open').some((c) => JSON.stringify(c.args.view).includes(request.id))).toBe(false);
  });

  it('tells a late clicker who decided and when', async () => {
    const request = await createViaApi(t);
    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
    await click(t, APPROVER_B, 'deny_request', request.id);
    const late = await eventually(() => ephemeralsTo(t, APPROVER_B).find((m) => m.startsWith('Too late')));
    expect(late).toContain(`already approved by <@${APPROVER_A}>`);
    const body = await get(request.id);
    expect(body.audit?.at(-1)).toMatchObject({ type: 'decision.late', actor: { id: APPROVER_B } });
  });

  it('ends a double click and an approve/deny race in exactly one outcome', async () => {
    for (let round = 0; round < 5; round += 1) {
      const request = await createViaApi(t);
      await waitForCard(t, request.id);
      const clicks = await Promise.all([
        click(t, APPROVER_A, 'approve_request', request.id),
        click(t, APPROVER_A, 'approve_request', request.id),
        click(t, GROUP_MEMBER, 'approve_request', request.id),
      ]);
      expect(clicks.map((r) => r.status)).toEqual([200, 200, 200]);
      const body = await eventually(async () => {
        const current = await get(request.id);
        const settled = (current.audit ?? []).filter(
          (e) => e.type.startsWith('decision.') || e.type === 'vote.recorded',
        );
        return settled.length === 3 ? current : undefined;
      });
      expect(body.status).toBe('approved');
      expect(body.votes).toHaveLength(1);
      expect(body.audit?.filter((e) => e.type === 'request.approved')).toHaveLength(1);
    }
  });

  it('ends an approve racing a deny in exactly one outcome, and tells the loser', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 6; round += 1) {
      const request = await createViaApi(t);
      await waitForCard(t, request.id);
      const [, denyRes] = await Promise.all([
        click(t, APPROVER_A, 'approve_request', request.id),
        t.sender.viewSubmission({
          user_id: APPROVER_B,
          callback_id: 'deny_reason_modal',
          private_metadata: JSON.stringify({ requestId: request.id, channelId: CHANNEL }),
          values: { reason: { reason: { type: 'plain_text_input', value: 'race' } } },
        }),
      ]);
      const denyText = await denyRes.text();
      const body = await eventually(async () => {
        const current = await get(request.id);
        return (current.audit ?? []).some((e) => e.type.startsWith('decision.') || e.type === 'vote.recorded') &&
          (current.audit ?? []).filter((e) => e.actor.id === APPROVER_A).length > 0
          ? current
          : undefined;
      });
      const transitions = (body.audit ?? []).filter(
        (e) => e.type === 'request.approved' || e.type === 'request.denied',
      );
      expect(transitions).toHaveLength(1);
      outcomes.add(body.status);
      if (body.status === 'denied') {
        expect(body.decision).toMatchObject({ by: APPROVER_B, reason: 'race' });
        expect(denyText).toBe('');
        await eventually(() => ephemeralsTo(t, APPROVER_A).some((m) => m.includes('already denied')));
      } else {
        expect(body.status).toBe('approved');
        expect(body.decision).toMatchObject({ by: APPROVER_A });
        expect(JSON.parse(denyText).errors.reason).toContain('already approved');
      }
    }
    expect([...outcomes].every((o) => o === 'approved' || o === 'denied')).toBe(true);
  });

  it('needs N distinct approvals when REQUIRED_APPROVALS is N', async () => {
    const t2 = await startLifecycleApp({ REQUIRED_APPROVALS: '2' });
    try {
      const request = await createViaApi(t2);
      await click(t2, APPROVER_A, 'approve_request', request.id);
      await eventually(() => ephemeralsTo(t2, APPROVER_A).some((m) => m.includes('1 of 2')));
      const progress = await eventually(() => {
        const card = cardOf(t2, request.id);
        return card && JSON.stringify(card.blocks).includes('Approvals:* 1 of 2') ? card : undefined;
      });
      expect(buttonsOf(progress)).toHaveLength(2);
      await click(t2, APPROVER_A, 'approve_request', request.id);
      await eventually(() => ephemeralsTo(t2, APPROVER_A).some((m) => m.includes('already approved')));
      expect((await api<ApiRequest>(t2, 'GET', `/requests/${request.id}`)).body.status).toBe('pending');
      await click(t2, APPROVER_B, 'approve_request', request.id);
      await eventually(
        async () => (await api<ApiRequest>(t2, 'GET', `/requests/${request.id}`)).body.status === 'approved',
      );
    } finally {
      await t2.close();
    }
  });
});
