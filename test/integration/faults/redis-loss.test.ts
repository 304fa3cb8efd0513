import { afterEach, describe, expect, it } from 'vitest';
import { decide } from '../../../src/services/requests/decide.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import type { TestApp } from '../../support/harness.ts';
import {
  APPROVER_A,
  buttonsOf,
  cardOf,
  createViaApi,
  dmsTo,
  eventually,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { PrivateRedis } from '../../support/private-redis.ts';

const INTERVAL_S = 1;

/**
 * Redis is a scheduler and a bus, never the record: losing everything in it — FLUSHALL, or a
 * restart that comes back empty — must repair itself from PostgreSQL within a reconcile interval,
 * without restarting Greenlight.
 */
describe('losing Redis', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await redis?.close();
    t = undefined;
    redis = undefined;
  });

  async function start() {
    redis = await PrivateRedis.start();
    t = await startLifecycleApp({
      REDIS_URL: redis.url,
      RECONCILE_INTERVAL_SECONDS: String(INTERVAL_S),
    });
    return { redis, t };
  }

  it('after FLUSHALL, expires every overdue request within a reconcile interval and re-renders its card', async () => {
    const { redis, t } = await start();
    const requests = await Promise.all(Array.from({ length: 20 }, () => createViaApi(t, { ttlSeconds: 2 })));
    await Promise.all(requests.map((r) => waitForCard(t, r.id)));
    await redis.flushAll();
    const deadline = Math.max(...requests.map((r) => Date.parse(r.expiresAt)));
    // Every timer and the reconciler's own scheduler are gone: only the in-process watchdog remains.
    await eventually(
      async () => {
        const rows = await Promise.all(requests.map((r) => getRequest(t.app.db, r.id)));
        return rows.every((row) => row?.status === 'expired');
      },
      deadline - Date.now() + 2 * INTERVAL_S * 1000 + 3000,
      'every request expired',
    );
    const late = await t.app.db.approvalRequest.findMany({
      where: { id: { in: requests.map((r) => r.id) } },
      select: { decidedAt: true, expiresAt: true },
    });
    for (const row of late) {
      // Within one interval of the deadline, plus a little for the repair itself.
      expect((row.decidedAt as Date).getTime() - row.expiresAt.getTime()).toBeLessThan(INTERVAL_S * 1000 + 2500);
    }
    await eventually(() => requests.every((r) => buttonsOf(cardOf(t, r.id) as never).length === 0), 10_000, 'cards');
    // The scheduler is back: a second flush is survived the same way.
    await eventually(
      async () => (await t.app.jobs.queue('timers').getJobSchedulers()).some((s) => s.key === 'reconcile'),
      5000,
      'reconcile scheduler reinstalled',
    );
  });

  it('after Redis comes back empty, posts the cards of requests made meanwhile and updates the cards decided meanwhile', async () => {
    const { redis, t } = await start();
    const before = await createViaApi(t, { ttlSeconds: 600 });
    await waitForCard(t, before.id);

    await redis.stop();
    // The API still takes requests (PostgreSQL is the record); the follow-up work waits for Redis.
    const during = await Promise.all(Array.from({ length: 5 }, () => createViaApi(t, { ttlSeconds: 600 })));
    const vote = await decide(t.app.deps, { requestId: before.id, userId: APPROVER_A, decision: 'approve' });
    expect(vote).toMatchObject({ kind: 'recorded', status: 'approved' });

    await redis.resume();
    const back = Date.now();
    await eventually(
      () => during.every((r) => cardOf(t, r.id) !== undefined),
      15_000,
      'cards of requests made meanwhile',
    );
    await eventually(() => buttonsOf(cardOf(t, before.id) as never).length === 0, 15_000, 'decided card re-rendered');
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('Approved')), 15_000, 'outcome DM');
    expect(Date.now() - back).toBeLessThan(15_000);
    // Nothing was posted twice.
    for (const r of [before, ...during]) {
      const cards = t.slack
        .callsOf('chat.postMessage')
        .filter(
          (c) => c.response.ok && c.args.thread_ts === undefined && JSON.stringify(c.args.blocks ?? []).includes(r.id),
        );
      expect(cards).toHaveLength(1);
    }
  });
});
