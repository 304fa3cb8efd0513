import { afterEach, describe, expect, it } from 'vitest';
import { escalationNotice } from '../../../src/jobs/definitions/escalation-notice.ts';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { requeue } from '../../../src/jobs/requeue.ts';
import { escalationsOf } from '../../../src/services/requests/escalate.ts';
import { getRequest } from '../../../src/services/requests/store.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import type { TestApp } from '../../support/harness.ts';
import {
  APPROVER_A,
  CHANNEL,
  createViaApi,
  dmsTo,
  eventually,
  GROUP,
  GROUP_MEMBER,
  OUTSIDER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { PrivateRedis } from '../../support/private-redis.ts';
import { ruleInput } from '../../support/rules.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };
const ESCALATION_CHANNEL = 'C0ESCALATE';

/**
 * A FLUSHALL after an escalation level fired but before its notices went out: the level's people are
 * approvers already (PostgreSQL), and the reconciler must still tell each of them, once, and post in
 * the level's channel, once.
 */
describe('losing Redis between an escalation and its notices', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await redis?.close();
    t = undefined;
    redis = undefined;
  });

  it('re-queues the DMs and the channel post the level owes, and sends each once', async () => {
    redis = await PrivateRedis.start();
    // The periodic reconciler stays out of the way: the test runs the repair itself.
    t = await startLifecycleApp({ REDIS_URL: redis.url, RECONCILE_INTERVAL_SECONDS: '3600' });
    const app = t;
    app.slack.addChannel(ESCALATION_CHANNEL);
    await createRule(
      app.app.deps,
      ADMIN,
      ruleInput({
        channelId: CHANNEL,
        approvers: [APPROVER_A],
        requiredApprovals: 1,
        ttlSeconds: 120,
        escalation: [{ afterSeconds: 10, approvers: [OUTSIDER, GROUP], channelId: ESCALATION_CHANNEL }],
      }),
    );
    const request = await createViaApi(app);
    await waitForCard(app, request.id);
    const escalatedDms = (user: string) => dmsTo(app, user).filter((m) => m.includes('escalated to you'));
    const posts = () =>
      app.slack.callsOf('chat.postMessage').filter((c) => c.response.ok && c.args.channel === ESCALATION_CHANNEL);

    // No worker takes a notice: the level fires, its notices wait in Redis, and Redis loses them.
    const notify = app.app.jobs.queue(QUEUES.notify);
    await notify.pause();
    await eventually(
      async () => (await getRequest(app.app.db, request.id))?.escalationLevel === 1,
      16_000,
      'level fired',
    );
    const ids = [OUTSIDER, GROUP_MEMBER, null].map((user) => JOB_IDS.escalationNotice(request.id, 1, user));
    await eventually(
      async () => (await Promise.all(ids.map((id) => notify.getJob(id)))).every((job) => job !== undefined),
      5000,
      'notices queued',
    );
    await redis.flushAll();
    expect(await notify.getJob(ids[0] as string)).toBeUndefined();
    expect(escalatedDms(OUTSIDER)).toEqual([]);

    // Past the reconciler's grace period (work younger than 2 s is left to its own jobs), the repair queues
    // each owed notice again. The reconciler reads the time from deps.now, so it runs as it will 2.1 s on.
    const pastGrace = { ...app.app.deps, now: () => new Date(Date.now() + 2100) };
    expect((await reconcileNow(pastGrace)).renotified).toBeGreaterThanOrEqual(3);
    await eventually(
      () => escalatedDms(OUTSIDER).length === 1 && escalatedDms(GROUP_MEMBER).length === 1 && posts().length === 1,
      8000,
      'notices sent after the repair',
    );
    const row = await eventually(
      async () => {
        const current = await getRequest(app.app.db, request.id);
        return escalationsOf(current?.escalations)[0]?.notified?.length === 3 ? current : undefined;
      },
      5000,
      'notices recorded',
    );
    expect(row?.approverIds).toEqual([APPROVER_A, OUTSIDER, GROUP_MEMBER]);
    expect(new Set(escalationsOf(row?.escalations)[0]?.notified)).toEqual(
      new Set([OUTSIDER, GROUP_MEMBER, ESCALATION_CHANNEL]),
    );

    // Nothing is owed any more: another flush and repair, or a notice job run again, sends nothing.
    await redis.flushAll();
    expect((await reconcileNow(app.app.deps)).renotified).toBe(0);
    const again = JOB_IDS.escalationNotice(request.id, 1, OUTSIDER);
    expect(
      await requeue(app.app.deps, escalationNotice, { requestId: request.id, level: 1, userId: OUTSIDER }, again),
    ).toBe(true);
    await eventually(
      async () => {
        const job = await notify.getJob(again);
        return job !== undefined && (await job.getState()) === 'completed';
      },
      5000,
      'the repeated notice ran',
    );
    // Whatever the repeated notice queued has run too: nothing is left waiting, delayed or running.
    await waitForQueueIdle(notify);
    expect(escalatedDms(OUTSIDER)).toHaveLength(1);
    expect(escalatedDms(GROUP_MEMBER)).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    expect(String(posts()[0]?.args.text)).toContain('(level 1)');
  }, 60_000);
});
