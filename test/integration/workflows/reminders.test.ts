import { describe, expect, it } from 'vitest';
import { remindApprovers } from '../../../src/jobs/definitions/remind-approvers.ts';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { syncTimers } from '../../../src/jobs/timers.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import type { AppUnderTest } from '../../support/harness.ts';
import {
  APPROVER_A,
  APPROVER_B,
  CHANNEL,
  click,
  createViaApi,
  eventually,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };
const env = { RECONCILE_INTERVAL_SECONDS: '1' };

/** The reminders posted in a card's thread, in order. */
function remindersOn(t: AppUnderTest, cardTs: string): string[] {
  return t.slack
    .callsOf('chat.postMessage')
    .filter((c) => c.response.ok && c.args.channel === CHANNEL && c.args.thread_ts === cardTs)
    .map((c) => String(c.args.text))
    .filter((text) => text.includes('Reminder'));
}

describe('reminders', () => {
  // Two instances with workers and a reconciler each (every second), on one database, Redis prefix and Slack.
  const a = useTestApp(env, { start: startLifecycleApp });
  const b = useTestApp(env, {
    start: (e, o) =>
      startLifecycleApp({ ...e, QUEUE_PREFIX: a.config.QUEUE_PREFIX }, { ...o, database: a.database, slack: a.slack }),
  });

  it('fire once per slot with two instances running, mention only who has not voted, and stop at the decision', async () => {
    await createRule(
      a.app.deps,
      ADMIN,
      ruleInput({
        channelId: CHANNEL,
        approvers: [APPROVER_A, APPROVER_B],
        requiredApprovals: 2,
        ttlSeconds: 600,
        reminder: { afterSeconds: 10, repeatSeconds: 10 },
      }),
    );
    const request = await createViaApi(a);
    const card = await waitForCard(a, request.id);
    await click(a, APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await getRequest(a.app.db, request.id))?.votes.length === 1, 5000, 'first vote');
    const timers = a.app.jobs.queue(QUEUES.timers);
    expect(await (await timers.getJob(JOB_IDS.remind(request.id, 1)))?.getState()).toBe('delayed');

    // Both instances keep re-syncing and repairing timers while the slots come due: nothing doubles.
    let hammering = true;
    const hammer = (async () => {
      while (hammering) {
        const row = await getRequest(a.app.db, request.id);
        await Promise.all([
          reconcileNow(a.app.deps),
          reconcileNow(b.app.deps),
          ...(row === null ? [] : [syncTimers(a.app.deps, [row]), syncTimers(b.app.deps, [row])]),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    try {
      const first = await eventually(() => remindersOn(a, card.ts)[0], 14_000, 'first reminder');
      expect(first).toContain(`<@${APPROVER_B}>`);
      expect(first).not.toContain(`<@${APPROVER_A}>`);
      await eventually(() => remindersOn(a, card.ts).length >= 2, 14_000, 'second reminder');
    } finally {
      hammering = false;
      await hammer;
    }
    expect(remindersOn(a, card.ts)).toHaveLength(2);
    // Each slot is recorded just after its reply went out.
    await eventually(async () => (await getRequest(a.app.db, request.id))?.lastReminderSlot === 2, 5000, 'slot 2');

    // A slot's job re-created after it fired (as after a Redis flush) finds it done in PostgreSQL.
    const done = await timers.getJob(JOB_IDS.remind(request.id, 1));
    await done?.remove();
    const again = await a.app.jobs.enqueue(
      remindApprovers,
      { requestId: request.id, step: 1 },
      { jobId: JOB_IDS.remind(request.id, 1) },
    );
    await eventually(async () => (await again.getState()) === 'completed', 5000, 're-run finished');
    expect(remindersOn(a, card.ts)).toHaveLength(2);

    // The decision cancels the next slot's timer.
    expect(await (await timers.getJob(JOB_IDS.remind(request.id, 3)))?.getState()).toBe('delayed');
    await click(b, APPROVER_B, 'approve_request', request.id);
    await eventually(async () => (await getRequest(a.app.db, request.id))?.status === 'approved', 5000, 'approved');
    await eventually(async () => (await timers.getJob(JOB_IDS.remind(request.id, 3))) === undefined, 5000, 'cancelled');
    expect(remindersOn(a, card.ts)).toHaveLength(2);
  }, 60_000);
});
