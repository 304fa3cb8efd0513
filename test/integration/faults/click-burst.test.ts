import { describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import type { AppUnderTest } from '../../support/harness.ts';
import {
  API_KEY,
  buttonsOf,
  CHANNEL,
  cardOf,
  createViaApi,
  dmsTo,
  eventually,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import type { StoredMessage } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const CARDS = 20;
const CLICKERS = 15;
const CLICKER_IDS = Array.from({ length: CLICKERS }, (_, i) => `U0BURST${String(i).padStart(3, '0')}`);
const env = {
  APPROVERS: CLICKER_IDS.join(','),
  // Every click is a vote that counts: the last of the 15 approves.
  REQUIRED_APPROVALS: String(CLICKERS),
  // A small pool, so holding connections while waiting for row locks would run it dry at once.
  DATABASE_POOL_SIZE: '5',
};

/** Fires every click of the burst at once, spread over `senders` (several instances), and waits for the acks. */
async function burst(t: AppUnderTest, senders: AppUnderTest[]) {
  for (const id of CLICKER_IDS) t.slack.addUser({ id, name: id.toLowerCase() });
  const requests = await Promise.all(Array.from({ length: CARDS }, () => createViaApi(t)));
  const cards = await Promise.all(requests.map((r) => waitForCard(t, r.id)));
  const clicks = requests.flatMap((request, r) =>
    CLICKER_IDS.map((user, u) =>
      (senders[(r + u) % senders.length] as AppUnderTest).sender.blockAction({
        user_id: user,
        action_id: 'approve_request',
        value: request.id,
        channel_id: CHANNEL,
        message_ts: (cards[r] as { ts: string }).ts,
        block_id: 'decision',
      }),
    ),
  );
  const responses = await Promise.all(clicks);
  expect(responses.map((res) => res.status)).toEqual(responses.map(() => 200));
  return requests;
}

/** Every click became a vote, every request reached quorum once, and nobody was told of a failure. */
async function expectNothingLost(t: AppUnderTest, requests: Array<{ id: string }>) {
  await expect
    .poll(async () => t.app.db.vote.count({ where: { requestId: { in: requests.map((r) => r.id) } } }), {
      timeout: 60_000,
      interval: 100,
    })
    .toBe(CARDS * CLICKERS);
  const rows = await t.app.db.approvalRequest.findMany({
    where: { id: { in: requests.map((r) => r.id) } },
    select: { status: true, _count: { select: { votes: true } } },
  });
  expect(rows.map((r) => [r.status, r._count.votes])).toEqual(rows.map(() => ['approved', CLICKERS]));
  const approvals = await t.app.db.auditEvent.count({
    where: { type: 'request.approved', requestId: { in: requests.map((r) => r.id) } },
  });
  expect(approvals).toBe(CARDS);
  // Every card ends showing the decision: card updates of one request never land out of order.
  await expect
    .poll(() => requests.filter((r) => buttonsOf(cardOf(t, r.id) as StoredMessage).length > 0).length, {
      timeout: 30_000,
      interval: 100,
    })
    .toBe(0);
  const told = t.slack.callsOf('chat.postEphemeral').map((c) => String(c.args.text));
  // A burst on a loaded machine can outlast the ack budget and the notice after it: those pressers hear
  // that their approval is not recorded *yet* — never that something went wrong, nor to press again —
  // and every one of their votes counted above.
  expect(told.filter((text) => /went wrong|was not recorded|press approve again/i.test(text))).toEqual([]);
}

describe(`a burst of ${CARDS} cards × ${CLICKERS} simultaneous clicks`, () => {
  describe('on one instance', () => {
    const t = useTestApp(env, { start: startLifecycleApp });
    it('loses no click and tells nobody "something went wrong"', async () => {
      const requests = await burst(t, [t]);
      await expectNothingLost(t, requests);
    });
  });

  describe('on two instances sharing the database', () => {
    const a = useTestApp(env, { start: startLifecycleApp });
    const b = useTestApp(
      { ...env, SERVICE_API_KEYS: `ci:${API_KEY}` },
      {
        start: (e, o) =>
          startLifecycleApp(
            { ...e, QUEUE_PREFIX: a.config.QUEUE_PREFIX },
            { ...o, database: a.database, slack: a.slack },
          ),
      },
    );
    it('loses no click when the clicks on each card are split between the instances, and tells each outcome once', async () => {
      const requests = await burst(a, [a, b]);
      await expectNothingLost(a, requests);
      // Either instance may have cast a request's deciding vote; the requester still hears of each approval
      // exactly once (the instances share one queue prefix, so one notify queue holds every DM).
      const approvalDms = () => dmsTo(a, REQUESTER).filter((text) => text.includes('*Approved*'));
      await eventually(() => approvalDms().length >= CARDS, 30_000, 'an approval DM per request');
      await waitForQueueIdle(a.app.jobs.queue(QUEUES.notify), 30_000);
      expect(approvalDms()).toHaveLength(CARDS);
    });
  });
});
