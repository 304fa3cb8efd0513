import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { setAway } from '../../../src/services/away/set-away.ts';
import { loadHome } from '../../../src/services/home/home-data.ts';
import { getRequest } from '../../../src/services/requests/store.ts';
import type { TRuleInput } from '../../../src/services/routing/rule-schema.ts';
import { createRule, deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import { query } from '../../support/database.ts';
import type { AppUnderTest } from '../../support/harness.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  CHANNEL,
  cardOf,
  click,
  createViaApi,
  dmsTo,
  ephemeralsTo,
  eventually,
  GROUP,
  GROUP_MEMBER,
  OUTSIDER,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/**
 * The workflow features on multi-stage chains: escalation joins the current stage, away routing works
 * stage by stage (and for escalation levels), reminders, approver DMs and App Home ask only the
 * current stage.
 */
const SYSTEM = { type: 'system' as const };
const LEAD = 'U0LEADTWO1';
const DELEGATE = 'U0DELEGAT1';
const DAY = 86_400_000;

type StagedRequest = Omit<ApiRequest, 'votes'> & {
  stages: Array<{ name: string; status: string; approvers: string[]; approvedBy: string[] }>;
  votes: Array<{ voter: string; decision: string; stage: number | null }>;
};

/** Team leads (A, one needed), then Security (B and the on-call group's member, `security` needed). */
function chain(overrides: Partial<TRuleInput> = {}, security = 1): TRuleInput {
  return ruleInput({
    name: 'Chained',
    channelId: CHANNEL,
    approvers: [],
    requiredApprovals: 1,
    ttlSeconds: 600,
    stages: [
      { name: 'Team leads', approvers: [APPROVER_A], requiredApprovals: 1 },
      { name: 'Security', approvers: [APPROVER_B, GROUP], requiredApprovals: security },
    ],
    ...overrides,
  });
}

function setup(t: AppUnderTest) {
  const get = async (id: string) => (await api<StagedRequest>(t, 'GET', `/requests/${id}`)).body;
  const away = (userId: string, delegateId: string | null) =>
    setAway(t.app.deps, { userId, delegateId, until: new Date(Date.now() + 3 * DAY) });
  const cardText = (id: string) => JSON.stringify(cardOf(t, id)?.blocks ?? []);
  return { get, away, cardText };
}

describe('workflows on multi-stage chains', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const { get, away, cardText } = setup(t);
  beforeAll(() => {
    t.slack.addUser({ id: LEAD, name: 'leo' });
    t.slack.addUser({ id: DELEGATE, name: 'dee' });
  });
  beforeEach(async () => {
    await query(t.database.url, 'DELETE FROM away_statuses');
    // Written behind the service's back: tell it, as set-away and clear-away do.
    await t.app.deps.away.changed();
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, SYSTEM, rule.id);
  });

  it('an escalation level joins the current stage (its away person replaced by their delegate) and counts for it; the next stage still needs its own quorum', async () => {
    // The level names LEAD, who is away: OUTSIDER stands in for them.
    await away(LEAD, OUTSIDER);
    await createRule(
      t.app.deps,
      SYSTEM,
      chain({ escalation: [{ afterSeconds: 10, approvers: [LEAD, REQUESTER], channelId: null }] }),
    );
    const request = await createViaApi(t);
    await waitForCard(t, request.id);

    // Before the level fires, OUTSIDER is nobody here.
    await click(t, OUTSIDER, 'approve_request', request.id);
    await eventually(() => ephemeralsTo(t, OUTSIDER).length > 0, 5000, 'refusal');
    expect((await get(request.id)).votes).toEqual([]);

    const escalated = await eventually(
      async () => {
        const row = await getRequest(t.app.db, request.id);
        return row?.escalationLevel === 1 ? row : undefined;
      },
      16_000,
      'level 1 fired',
    );
    // Stage 1 (the one deciding) got the delegate; never the requester, never the away person.
    expect(escalated.stageApprovers).toEqual([
      [APPROVER_A, OUTSIDER],
      [APPROVER_B, GROUP_MEMBER],
    ]);
    expect(escalated.approverIds).toEqual([APPROVER_A, APPROVER_B, GROUP_MEMBER, OUTSIDER]);
    let body = await get(request.id);
    expect(body.stages[0]?.approvers).toEqual([APPROVER_A, OUTSIDER]);
    const audit = (body.audit ?? []).find((e) => e.type === 'request.escalated');
    expect(audit?.details).toMatchObject({ level: 1, added: [OUTSIDER], stage: 0 });
    expect(audit?.details.away).toEqual([expect.objectContaining({ user: LEAD, delegate: OUTSIDER })]);
    await eventually(() => cardText(request.id).includes(`Escalated to <@${OUTSIDER}> (for <@${LEAD}>, away)`));
    await eventually(() => dmsTo(t, OUTSIDER).some((m) => m.includes('escalated to you (level 1)')), 5000);
    expect(dmsTo(t, LEAD).some((m) => m.includes('escalated to you'))).toBe(false);

    // The escalated approver's vote completes stage 1; Security still has to decide.
    await click(t, OUTSIDER, 'approve_request', request.id);
    body = await eventually(async () => {
      const now = await get(request.id);
      return now.stages[0]?.status === 'done' ? now : undefined;
    });
    expect(body.status).toBe('pending');
    expect(body.votes).toEqual([expect.objectContaining({ voter: OUTSIDER, decision: 'approve', stage: 0 })]);
    expect(body.stages[0]?.approvedBy).toEqual([OUTSIDER]);
    expect(body.stages[1]?.status).toBe('current');

    await click(t, APPROVER_B, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved', 5000, 'approved');
    expect((await get(request.id)).stages[1]?.approvedBy).toEqual([APPROVER_B]);
  }, 40_000);

  it('routes each stage around away approvers: delegates stand in within their stage, a stage short of its quorum asks everyone in it', async () => {
    await createRule(
      t.app.deps,
      SYSTEM,
      chain(
        {
          stages: [
            { name: 'Team leads', approvers: [APPROVER_A, LEAD], requiredApprovals: 1 },
            { name: 'Security', approvers: [APPROVER_B, GROUP], requiredApprovals: 2 },
          ],
        },
        2,
      ),
    );
    await away(APPROVER_A, DELEGATE);
    // B is routed to Security: one person counts in one stage, so B does not stand in for LEAD.
    await away(LEAD, APPROVER_B);
    // Without B, Security cannot reach its two approvals: everyone in it is asked.
    await away(APPROVER_B, null);

    const request = await createViaApi(t);
    const body = await get(request.id);
    expect(body.stages.map((s) => s.approvers)).toEqual([[DELEGATE], [APPROVER_B, GROUP_MEMBER]]);
    const row = await getRequest(t.app.db, request.id);
    expect(row?.routingNotes).toMatchObject({
      away: [
        { user: APPROVER_A, delegate: DELEGATE, stage: 0 },
        { user: LEAD, delegate: null, stage: 0 },
        { user: APPROVER_B, delegate: null, stage: 1 },
      ],
      everyoneAway: false,
      everyoneAwayStages: [1],
    });
    const created = (body.audit ?? []).find((e) => e.type === 'request.created');
    expect(created?.details.routingNotes).toMatchObject({ everyoneAwayStages: [1] });

    const card = JSON.stringify((await waitForCard(t, request.id)).blocks);
    expect(card).toContain(`<@${APPROVER_A}> (Stage 1 (Team leads)) is away until`);
    expect(card).toContain(`delegated to <@${DELEGATE}>`);
    expect(card).toContain(`<@${LEAD}> (Stage 1 (Team leads)) is away until`);
    expect(card).toContain('Too many in Stage 2 (Security) are away; all of that stage were asked.');

    // The away approver does not vote; their delegate does, for stage 1.
    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(() => ephemeralsTo(t, APPROVER_A).length > 0, 5000, 'refusal');
    await click(t, DELEGATE, 'approve_request', request.id);
    const after = await eventually(async () => {
      const now = await get(request.id);
      return now.stages[0]?.status === 'done' ? now : undefined;
    });
    expect(after.votes).toEqual([expect.objectContaining({ voter: DELEGATE, stage: 0 })]);
    expect(after.status).toBe('pending');
  });

  it('reminds only the current stage’s approvers who have not voted', async () => {
    await createRule(t.app.deps, SYSTEM, chain({ reminder: { afterSeconds: 10, repeatSeconds: null } }));
    const request = await createViaApi(t);
    const card = await waitForCard(t, request.id);
    const reminder = await eventually(
      () =>
        t.slack
          .callsOf('chat.postMessage')
          .find((c) => c.response.ok && c.args.thread_ts === card.ts && String(c.args.text).includes('Reminder')),
      16_000,
      'reminder',
    );
    const text = String(reminder.args.text);
    expect(text).toContain(`<@${APPROVER_A}>`);
    expect(text).not.toContain(`<@${APPROVER_B}>`);
    expect(text).not.toContain(`<@${GROUP_MEMBER}>`);
  }, 30_000);

  it('App Home lists a chained request as waiting for someone only while their stage decides', async () => {
    await createRule(t.app.deps, SYSTEM, chain());
    const request = await createViaApi(t);
    const waiting = async (user: string) =>
      (await loadHome(t.app.deps, user)).awaiting.items.map((r) => r.id).includes(request.id);
    expect(await waiting(APPROVER_A)).toBe(true);
    expect(await waiting(APPROVER_B)).toBe(false);
    expect(await waiting(GROUP_MEMBER)).toBe(false);

    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).stages[0]?.status === 'done', 5000, 'stage 1 done');
    expect(await waiting(APPROVER_A)).toBe(false);
    expect(await waiting(APPROVER_B)).toBe(true);
    expect(await waiting(GROUP_MEMBER)).toBe(true);
    // The App Home view itself shows it to B now.
    await t.sender.event({ type: 'app_home_opened', user: APPROVER_B, tab: 'home' });
    await eventually(() => JSON.stringify(t.slack.homes.get(APPROVER_B) ?? {}).includes('prod/customers'));
  });
});

describe('approver DMs on multi-stage chains', () => {
  const t = useTestApp(
    { APPROVER_DMS: 'true', UNAVAILABLE_NOTIFY_DELAY_SECONDS: '2' },
    { start: startLifecycleApp, per: 'test' },
  );
  const { get, cardText } = setup(t);
  beforeEach(() => {
    for (const user of [APPROVER_A, APPROVER_B, GROUP_MEMBER]) {
      t.slack.setPresence(user, 'active');
      t.slack.setDnd(user, null);
    }
  });
  const askedDm = (user: string) => dmsTo(t, user).some((m) => m.includes('asks for your approval'));

  it('DMs only the current stage at creation, then each stage as it starts, available approvers first', async () => {
    await createRule(t.app.deps, SYSTEM, chain());
    t.slack.setPresence(GROUP_MEMBER, 'away');
    const request = await createViaApi(t);
    await eventually(() => askedDm(APPROVER_A), 5000, 'DM to stage 1');
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.notify));
    expect(askedDm(APPROVER_B)).toBe(false);
    expect(askedDm(GROUP_MEMBER)).toBe(false);

    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).stages[0]?.status === 'done', 5000, 'stage 1 done');
    // Security starts: B (available) is DM'd at once, the on-call member (away) later.
    await eventually(() => askedDm(APPROVER_B), 5000, 'DM to stage 2');
    expect(askedDm(GROUP_MEMBER)).toBe(false);
    await eventually(() => cardText(request.id).includes('told later'), 5000, 'card lists who is told later');
    await eventually(() => askedDm(GROUP_MEMBER), 8000, 'later DM to the away stage-2 approver');
    expect(dmsTo(t, APPROVER_A).filter((m) => m.includes('asks for your approval'))).toHaveLength(1);
  }, 30_000);
});
