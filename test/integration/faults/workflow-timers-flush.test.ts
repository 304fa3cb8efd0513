import { afterEach, describe, expect, it } from 'vitest';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import type { TestApp } from '../../support/harness.ts';
import {
  APPROVER_A,
  APPROVER_B,
  CHANNEL,
  createViaApi,
  dmsTo,
  eventually,
  GROUP,
  GROUP_MEMBER,
  OUTSIDER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { PrivateRedis } from '../../support/private-redis.ts';
import { ruleInput } from '../../support/rules.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };

/**
 * A FLUSHALL in the middle of a workflow (a reminder and an escalation level done, more to come)
 * loses no timer: the reconciler rebuilds each from PostgreSQL at its next step, and nothing that
 * already happened happens again.
 */
describe('losing Redis in the middle of a workflow', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await redis?.close();
    t = undefined;
    redis = undefined;
  });

  it('rebuilds the next reminder, escalation level, expiry warning and deadline, and repeats nothing', async () => {
    redis = await PrivateRedis.start();
    t = await startLifecycleApp({ REDIS_URL: redis.url, RECONCILE_INTERVAL_SECONDS: '1' });
    const app = t;
    await createRule(
      app.app.deps,
      ADMIN,
      ruleInput({
        channelId: CHANNEL,
        approvers: [APPROVER_A, APPROVER_B],
        requiredApprovals: 1,
        ttlSeconds: 60,
        reminder: { afterSeconds: 10, repeatSeconds: 10 },
        escalation: [
          { afterSeconds: 10, approvers: [OUTSIDER], channelId: null },
          { afterSeconds: 20, approvers: [GROUP], channelId: null },
        ],
      }),
    );
    const request = await createViaApi(app);
    const card = await waitForCard(app, request.id);
    const reminders = () =>
      app.slack
        .callsOf('chat.postMessage')
        .filter((c) => c.response.ok && c.args.thread_ts === card.ts && String(c.args.text).includes('Reminder'));
    const escalatedDms = (user: string) => dmsTo(app, user).filter((m) => m.includes('escalated to you'));

    await eventually(() => reminders().length === 1, 14_000, 'first reminder');
    await eventually(() => escalatedDms(OUTSIDER).length === 1, 5000, 'first level notified');
    // The slot is recorded just after its reply went out: flush once it is.
    await eventually(async () => (await getRequest(app.app.db, request.id))?.lastReminderSlot === 1, 5000, 'slot 1');
    await redis.flushAll();

    // Every timer the request still owes is back, each at its next step.
    const timers = app.app.jobs.queue(QUEUES.timers);
    const owed = [
      JOB_IDS.expire(request.id),
      JOB_IDS.warnExpiry(request.id),
      JOB_IDS.remind(request.id, 2),
      JOB_IDS.escalate(request.id, 1),
    ];
    await eventually(
      async () => (await Promise.all(owed.map((id) => timers.getJob(id)))).every((job) => job !== undefined),
      5000,
      'timers rebuilt',
    );
    expect(await timers.getJob(JOB_IDS.remind(request.id, 1))).toBeUndefined();
    expect(await timers.getJob(JOB_IDS.escalate(request.id, 0))).toBeUndefined();

    // And they fire: the second slot and level come, the first ones do not come again.
    await eventually(() => reminders().length === 2, 14_000, 'second reminder');
    await eventually(() => escalatedDms(GROUP_MEMBER).length === 1, 5000, 'second level notified');
    const row = await eventually(
      async () => {
        const current = await getRequest(app.app.db, request.id);
        return current?.lastReminderSlot === 2 ? current : undefined;
      },
      5000,
      'slot 2',
    );
    expect(row).toMatchObject({ status: 'pending', escalationLevel: 2 });
    expect(row?.approverIds).toEqual([APPROVER_A, APPROVER_B, OUTSIDER, GROUP_MEMBER]);
    expect(escalatedDms(OUTSIDER)).toHaveLength(1);
    expect(reminders()).toHaveLength(2);
  }, 60_000);
});
