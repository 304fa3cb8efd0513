import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { createRule, deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  buttonsOf,
  createViaApi,
  eventually,
  GROUP,
  GROUP_MEMBER,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { DBA_CHANNEL, ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };
/** A second team lead: stage 1 needs one of the two leads. */
const LEAD = 'U0LEADTWO1';

type StagedRequest = Omit<ApiRequest, 'votes'> & {
  stages: Array<{ name: string; status: string; approvers: string[]; approvedBy: string[]; requiredApprovals: number }>;
  votes: Array<{ voter: string; decision: string; stage: number | null }>;
};

describe('multi-stage chains', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  beforeAll(() => {
    t.slack.addChannel(DBA_CHANNEL);
    t.slack.addUser({ id: LEAD, name: 'leo' });
  });
  beforeEach(async () => {
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, ADMIN, rule.id);
    // Team leads (A or LEAD, one needed), then Security (B and the on-call group's member, both needed).
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        name: 'Chained',
        approvers: [],
        requiredApprovals: 1,
        stages: [
          { name: 'Team leads', approvers: [APPROVER_A, LEAD], requiredApprovals: 1 },
          { name: 'Security', approvers: [APPROVER_B, GROUP], requiredApprovals: 2 },
        ],
      }),
    );
  });

  const get = async (id: string) => (await api<StagedRequest>(t, 'GET', `/requests/${id}`)).body;
  const press = async (user: string, actionId: 'approve_request' | 'deny_request', requestId: string) => {
    const card = await waitForCard(t, requestId, DBA_CHANNEL);
    const res = await t.sender.blockAction({
      user_id: user,
      action_id: actionId,
      value: requestId,
      channel_id: DBA_CHANNEL,
      message_ts: card.ts,
      block_id: 'decision',
      trigger_id: `trigger-${user}-${Date.now()}`,
    });
    expect(res.status).toBe(200);
  };
  const ephemeralTo = (user: string, text: string) =>
    eventually(
      () =>
        t.slack.callsOf('chat.postEphemeral').some((c) => c.args.user === user && String(c.args.text).includes(text)),
      5000,
      `ephemeral “${text}” to ${user}`,
    );
  const refusals = async (id: string) =>
    ((await get(id)).audit ?? [])
      .filter((e) => e.type === 'decision.refused')
      .map((e) => ({ user: e.actor.id, reason: e.details.reason }));

  it('needs both stages in order, refuses out-of-stage votes, and counts each vote for its stage', async () => {
    const request = await createViaApi(t);
    let body = await get(request.id);
    expect(body.stages.map((s) => [s.name, s.status, s.requiredApprovals])).toEqual([
      ['Team leads', 'current', 1],
      ['Security', 'waiting', 2],
    ]);
    expect(body.stages[1]?.approvers.sort()).toEqual([APPROVER_B, GROUP_MEMBER].sort());
    // approver_ids stays the union, so whatever lists a request's approvers keeps working.
    expect(body.route.approvers.sort()).toEqual([APPROVER_A, LEAD, APPROVER_B, GROUP_MEMBER].sort());
    const card = await waitForCard(t, request.id, DBA_CHANNEL);
    expect(JSON.stringify(card.blocks)).toContain('Approval stages');

    // A Security approver cannot approve while the team leads decide.
    await press(APPROVER_B, 'approve_request', request.id);
    await ephemeralTo(APPROVER_B, 'Stage 2 (Security) has not started yet');
    expect((await get(request.id)).votes).toEqual([]);

    await press(APPROVER_A, 'approve_request', request.id);
    body = await eventually(async () => {
      const now = await get(request.id);
      return now.stages[0]?.status === 'done' ? now : undefined;
    });
    expect(body.status).toBe('pending');
    expect(body.stages.map((s) => s.status)).toEqual(['done', 'current']);
    expect(body.stages[0]?.approvedBy).toEqual([APPROVER_A]);
    const types = (body.audit ?? []).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['stage.completed', 'stage.started']));
    // The Security approvers are mentioned in the card's thread.
    const notice = await eventually(() =>
      [...t.slack.messages.values()].find(
        (m) => m.channel === DBA_CHANNEL && m.thread_ts === card.ts && String(m.text).includes('Stage 2 (Security)'),
      ),
    );
    expect(notice.text).toContain(`<@${APPROVER_B}>`);
    expect(notice.text).toContain(`<@${GROUP_MEMBER}>`);
    await eventually(async () =>
      JSON.stringify((await waitForCard(t, request.id, DBA_CHANNEL)).blocks).includes('now deciding'),
    );

    // The other team lead cannot approve the Security stage; A cannot vote twice.
    await press(LEAD, 'approve_request', request.id);
    await ephemeralTo(LEAD, 'not an approver of the current stage, Stage 2 (Security)');
    await press(APPROVER_A, 'approve_request', request.id);
    await ephemeralTo(APPROVER_A, 'You already voted');
    expect(await refusals(request.id)).toEqual([
      { user: APPROVER_B, reason: 'stage_not_started' },
      { user: LEAD, reason: 'not_in_current_stage' },
      { user: APPROVER_A, reason: 'already_voted' },
    ]);

    await press(APPROVER_B, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).votes.length === 2);
    expect((await get(request.id)).status).toBe('pending');
    await press(GROUP_MEMBER, 'approve_request', request.id);
    body = await eventually(async () => {
      const now = await get(request.id);
      return now.status === 'approved' ? now : undefined;
    });
    expect(body.votes.map((v) => [v.voter, v.stage])).toEqual([
      [APPROVER_A, 0],
      [APPROVER_B, 1],
      [GROUP_MEMBER, 1],
    ]);
    expect(body.stages.map((s) => s.status)).toEqual(['done', 'done']);
    expect(body.decision).toMatchObject({ status: 'approved', by: GROUP_MEMBER });
    await eventually(async () => buttonsOf(await waitForCard(t, request.id, DBA_CHANNEL)).length === 0);
  });

  it('ends the request when a later stage denies', async () => {
    const request = await createViaApi(t);
    await press(APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).stages[1]?.status === 'current');
    await press(APPROVER_B, 'deny_request', request.id);
    const opened = await t.slack.waitForCall(
      'views.open',
      (c) =>
        JSON.stringify(c.args.view).includes(request.id) &&
        (c.args.view as { callback_id: string }).callback_id === 'deny_reason_modal',
    );
    const submitted = await t.sender.viewSubmission({
      user_id: APPROVER_B,
      callback_id: 'deny_reason_modal',
      private_metadata: (opened.args.view as { private_metadata: string }).private_metadata,
      values: { reason: { reason: { type: 'plain_text_input', value: 'Not without a security review' } } },
    });
    expect(submitted.status).toBe(200);
    const body = await get(request.id);
    expect(body.status).toBe('denied');
    expect(body.decision).toMatchObject({ by: APPROVER_B, reason: 'Not without a security review' });
    expect(body.votes.map((v) => [v.voter, v.decision, v.stage])).toEqual([
      [APPROVER_A, 'approve', 0],
      [APPROVER_B, 'deny', 1],
    ]);
    expect(body.stages.map((s) => s.status)).toEqual(['done', 'waiting']);
    // Nobody else can decide it any more.
    await press(GROUP_MEMBER, 'approve_request', request.id);
    await ephemeralTo(GROUP_MEMBER, 'Too late');
  });

  it('re-sends a stage notice lost with Redis once, from the reconciler', async () => {
    const request = await createViaApi(t, { resource: 'prod/lost-stage' });
    const card = await waitForCard(t, request.id, DBA_CHANNEL);
    const notify = t.app.jobs.queue('notify');
    await waitForQueueIdle(notify);
    await notify.pause();
    await press(APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).stages[1]?.status === 'current');
    await notify.obliterate({ force: true });
    await notify.resume();
    await query(
      t.database.url,
      "UPDATE approval_requests SET updated_at = updated_at - interval '2 minutes' WHERE id = $1",
      [request.id],
    );
    const notices = () =>
      [...t.slack.messages.values()].filter(
        (m) => m.channel === DBA_CHANNEL && m.thread_ts === card.ts && String(m.text).includes('Stage 2 (Security)'),
      );
    expect(notices()).toHaveLength(0);
    expect((await reconcileNow(t.app.deps)).renotified).toBeGreaterThanOrEqual(1);
    await eventually(() => notices().length === 1);
    await reconcileNow(t.app.deps);
    await waitForQueueIdle(notify);
    expect(notices()).toHaveLength(1);
  });

  it('refuses a request one of whose stages cannot reach its quorum without the requester', async () => {
    const res = await api(t, 'POST', '/requests', {
      body: { ...VALID_BODY, requester: { slackUserId: APPROVER_B } },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('Stage 2 (Security) needs 2 approval(s)');
    // The other stages are fine for another requester.
    expect((await createViaApi(t, { requester: { slackUserId: REQUESTER } })).status).toBe('pending');
  });
});
