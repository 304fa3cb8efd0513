import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ACK_BUDGET_MS, NOT_RECORDED_NOTICE_MS } from '../../../src/slack/listeners/actions/request-button.ts';
import type { TestApp } from '../../support/harness.ts';
import {
  APPROVER_A,
  APPROVER_B,
  buttonsOf,
  CHANNEL,
  cardOf,
  click,
  createViaApi,
  ephemeralsTo,
  eventually,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { PrivateRedis } from '../../support/private-redis.ts';

const NEVER = Symbol('no answer');

/**
 * Redis stalls (CLIENT PAUSE WRITE: connected, every write waits) while approvers decide. The vote
 * is PostgreSQL's; queueing the card update must not hold the click's ack or the Deny form's answer,
 * and a vote that was committed must never be reported as "not recorded".
 */
describe('decisions while Redis stalls', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  let admin: Redis | undefined;
  afterEach(async () => {
    await admin?.call('CLIENT', 'UNPAUSE');
    admin?.disconnect();
    await t?.close();
    await redis?.close();
    t = undefined;
    redis = undefined;
    admin = undefined;
  });

  it('acks an Approve and closes the Deny form once the vote commits, and queues the card update after', async () => {
    redis = await PrivateRedis.start();
    t = await startLifecycleApp({ REDIS_URL: redis.url, APPROVERS: `${APPROVER_A},${APPROVER_B}` });
    const app = t;
    const approved = await createViaApi(app);
    const denied = await createViaApi(app);
    await waitForCard(app, approved.id);
    await waitForCard(app, denied.id);
    admin = new Redis(redis.url);
    // Paused until this test unpauses it: nothing the app writes to Redis gets through meanwhile.
    await admin.call('CLIENT', 'PAUSE', '600000', 'WRITE');

    const clickedAt = Date.now();
    const approve = await click(app, APPROVER_A, 'approve_request', approved.id);
    expect(approve.status).toBe(200);
    // Acked once the vote committed, not held to the budget by the stalled queue (a 10x margin here).
    expect(Date.now() - clickedAt).toBeLessThan(ACK_BUDGET_MS);
    const deny = app.sender
      .viewSubmission({
        user_id: APPROVER_B,
        callback_id: 'deny_reason_modal',
        private_metadata: JSON.stringify({ requestId: denied.id, channelId: CHANNEL }),
        values: { reason: { reason: { type: 'plain_text_input', value: 'Not during the freeze' } } },
      })
      .then(async (res) => ({ status: res.status, body: await res.text() }));
    // Well past the frame's budget and notice: an ack held by the queue would have come at the budget,
    // and the presser been told "not recorded" of a vote that was.
    const waited = ACK_BUDGET_MS + NOT_RECORDED_NOTICE_MS + 1500;
    const answered = await Promise.race([deny, new Promise((resolve) => setTimeout(() => resolve(NEVER), waited))]);
    expect(answered, 'the Deny form answered while Redis was stalled').toEqual({ status: 200, body: '' });
    expect(ephemeralsTo(app, APPROVER_A).filter((text) => /not recorded/i.test(text))).toEqual([]);
    const votes = await app.app.db.vote.findMany({
      where: { requestId: { in: [approved.id, denied.id] } },
      select: { voterId: true, decision: true },
      orderBy: { voterId: 'asc' },
    });
    expect(votes).toEqual([
      { voterId: APPROVER_A, decision: 'approve' },
      { voterId: APPROVER_B, decision: 'deny' },
    ]);

    // Redis back: the queued follow-ups go out, and both cards show their outcome.
    await admin.call('CLIENT', 'UNPAUSE');
    await eventually(
      () => [approved.id, denied.id].every((id) => buttonsOf(cardOf(app, id) as never).length === 0),
      20_000,
      'both cards decided',
    );
  }, 60_000);
});
