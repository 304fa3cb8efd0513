import { describe, expect, it } from 'vitest';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import {
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
} from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };
const ESCALATION_CHANNEL = 'C0ESCALATE';

describe('escalation', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const get = async (id: string) => (await api<ApiRequest>(t, 'GET', `/requests/${id}`)).body;

  it('adds each level’s people (groups expanded, never the requester) once, tells them, and lets them decide', async () => {
    t.slack.addChannel(ESCALATION_CHANNEL);
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        channelId: CHANNEL,
        approvers: [APPROVER_B],
        requiredApprovals: 1,
        ttlSeconds: 600,
        escalation: [
          { afterSeconds: 10, approvers: [GROUP, REQUESTER], channelId: ESCALATION_CHANNEL },
          { afterSeconds: 11, approvers: [OUTSIDER, APPROVER_B], channelId: null },
        ],
      }),
    );
    const request = await createViaApi(t);
    await waitForCard(t, request.id);

    // Before the level's delay, the on-call member is nobody here.
    await click(t, GROUP_MEMBER, 'approve_request', request.id);
    await eventually(() => ephemeralsTo(t, GROUP_MEMBER).length > 0, 5000, 'refusal');
    expect((await get(request.id)).votes).toHaveLength(0);

    const escalated = await eventually(
      async () => {
        const row = await getRequest(t.app.db, request.id);
        return row !== null && row.escalationLevel === 2 ? row : undefined;
      },
      16_000,
      'both levels fired',
    );
    // The group's member joined; the requester did not (no self-approval); B was asked already.
    expect(escalated.approverIds).toEqual([APPROVER_B, GROUP_MEMBER, OUTSIDER]);
    expect((await get(request.id)).route.approvers).toEqual([APPROVER_B, GROUP_MEMBER, OUTSIDER]);
    const card = await eventually(() => {
      const text = JSON.stringify(cardOf(t, request.id)?.blocks ?? []);
      return text.includes(`Escalated to <@${OUTSIDER}>`) ? text : undefined;
    }, 5000);
    expect(card).toContain(`Escalated to <@${GROUP_MEMBER}> at <!date^`);
    expect(card).not.toContain(`Escalated to <@${REQUESTER}>`);
    await eventually(() => dmsTo(t, GROUP_MEMBER).some((m) => m.includes('escalated to you (level 1)')), 5000);
    await eventually(() => dmsTo(t, OUTSIDER).some((m) => m.includes('escalated to you (level 2)')), 5000);
    expect(dmsTo(t, REQUESTER).some((m) => m.includes('escalated to you'))).toBe(false);
    expect(dmsTo(t, APPROVER_B).some((m) => m.includes('escalated to you'))).toBe(false);
    const posts = () =>
      t.slack
        .callsOf('chat.postMessage')
        .filter((c) => c.response.ok && c.args.channel === ESCALATION_CHANNEL)
        .map((c) => String(c.args.text));
    await eventually(() => posts().length === 1, 5000, 'post in the level channel');
    expect(posts()[0]).toContain(`Escalated to <@${GROUP_MEMBER}> (level 1)`);
    const audit = (await get(request.id)).audit ?? [];
    expect(audit.filter((e) => e.type === 'request.escalated').map((e) => e.details)).toEqual([
      { level: 1, added: [GROUP_MEMBER], channelId: ESCALATION_CHANNEL },
      { level: 2, added: [OUTSIDER], channelId: null },
    ]);

    // Repairs and re-created level jobs change nothing: each level fired once.
    const timers = t.app.jobs.queue(QUEUES.timers);
    await (await timers.getJob(JOB_IDS.escalate(request.id, 0)))?.remove();
    await reconcileNow(t.app.deps);
    expect(await timers.getJob(JOB_IDS.escalate(request.id, 0))).toBeUndefined();
    expect((await getRequest(t.app.db, request.id))?.approverIds).toEqual([APPROVER_B, GROUP_MEMBER, OUTSIDER]);

    // An escalated approver decides through the card like anyone routed there.
    await click(t, GROUP_MEMBER, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved', 5000, 'approved');
    expect((await get(request.id)).decision).toMatchObject({ status: 'approved', by: GROUP_MEMBER });
  }, 40_000);

  it('a request decided before the level’s delay is never escalated', async () => {
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        name: 'Deploys',
        actionPatterns: ['deploy.*'],
        channelId: CHANNEL,
        approvers: [APPROVER_B],
        requiredApprovals: 1,
        ttlSeconds: 600,
        escalation: [{ afterSeconds: 10, approvers: [OUTSIDER], channelId: null }],
      }),
    );
    const request = await createViaApi(t, { action: 'deploy.service' });
    await waitForCard(t, request.id);
    const timers = t.app.jobs.queue(QUEUES.timers);
    expect(await (await timers.getJob(JOB_IDS.escalate(request.id, 0)))?.getState()).toBe('delayed');
    await click(t, APPROVER_B, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved', 5000, 'approved');
    await eventually(async () => (await timers.getJob(JOB_IDS.escalate(request.id, 0))) === undefined, 5000);
    expect((await getRequest(t.app.db, request.id))?.escalationLevel).toBe(0);
  });
});
