import { describe, expect, it } from 'vitest';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { decide } from '../../../src/services/requests/decide.ts';
import type { AppUnderTest } from '../../support/harness.ts';
import {
  APPROVER_A,
  buttonsOf,
  CHANNEL,
  createViaApi,
  eventually,
  startLifecycleApp,
} from '../../support/lifecycle.ts';
import type { StoredMessage } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/** Every top-level message in the approval channel that is a card for this request. */
function cardsFor(t: AppUnderTest, requestId: string): StoredMessage[] {
  return [...t.slack.messages.values()].filter(
    (m) => m.channel === CHANNEL && m.thread_ts === undefined && m.metadata?.event_payload.request_id === requestId,
  );
}

const isCard = (args: Record<string, unknown>) => args.thread_ts === undefined && args.metadata !== undefined;

async function postedRow(t: AppUnderTest, id: string) {
  return eventually(
    async () => {
      const row = await t.app.db.approvalRequest.findUnique({ where: { id }, select: { messageTs: true } });
      return row?.messageTs ?? undefined;
    },
    20_000,
    `card of ${id} recorded`,
  );
}

/**
 * Slack can do the work and lose the answer (a reset, a timeout), rate-limit in storms, or fail
 * with a 5xx after or before posting. However it fails, each request ends with exactly one card,
 * the one the database tracks, and no duplicate with live buttons.
 */
describe('card posting when Slack answers are lost', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  it('adopts the card a lost answer left instead of posting a second one (10 of 10 requests)', async () => {
    t.slack.failNext('chat.postMessage', { dropAnswer: true }, 10, isCard);
    const requests = await Promise.all(Array.from({ length: 10 }, () => createViaApi(t)));
    for (const request of requests) {
      const ts = await postedRow(t, request.id);
      const cards = cardsFor(t, request.id);
      expect(cards.map((c) => c.ts)).toEqual([ts]);
      expect(buttonsOf(cards[0] as StoredMessage).length).toBe(2);
    }
    // The lost posts did reach Slack: each request's card was posted once, and never again.
    const posts = t.slack.callsOf('chat.postMessage').filter((c) => isCard(c.args));
    for (const request of requests) {
      expect(posts.filter((c) => JSON.stringify(c.args.metadata).includes(request.id))).toHaveLength(1);
    }
  });

  it('renders an adopted card decided when the request was decided meanwhile', async () => {
    t.slack.failNext('chat.postMessage', { dropAnswer: true }, 1, isCard);
    const request = await createViaApi(t);
    await eventually(() => cardsFor(t, request.id).length === 1, 5000, 'lost post reached Slack');
    await decide(t.app.deps, { requestId: request.id, userId: APPROVER_A, decision: 'approve' });
    await postedRow(t, request.id);
    await eventually(() => buttonsOf(cardsFor(t, request.id)[0] as StoredMessage).length === 0, 10_000, 'decided');
    expect(cardsFor(t, request.id)).toHaveLength(1);
  });

  it('ends with one card per request through 429 storms and 5xx storms, lost answers mixed in', async () => {
    t.slack.failNext('chat.postMessage', { rateLimited: 1 }, 6, isCard);
    t.slack.failNext('chat.postMessage', { httpStatus: 503 }, 4, isCard);
    t.slack.failNext('chat.postMessage', { dropAnswer: true }, 4, isCard);
    t.slack.failNext('conversations.history', { httpStatus: 500 }, 2);
    const requests = await Promise.all(Array.from({ length: 8 }, () => createViaApi(t)));
    for (const request of requests) {
      const ts = await postedRow(t, request.id);
      expect(cardsFor(t, request.id).map((c) => c.ts)).toEqual([ts]);
    }
  });

  it('adopts the card of a post whose answer and then whose job were lost, when the reconciler queues it again', async () => {
    t.slack.failNext('chat.postMessage', { dropAnswer: true }, 1, isCard);
    const request = await createViaApi(t);
    await eventually(() => cardsFor(t, request.id).length === 1, 5000, 'lost post reached Slack');
    // The job waits out its backoff before retrying; then Redis loses it (a flush, a failover).
    const job = await eventually(
      async () => {
        const queued = await t.app.jobs.queue('cards').getJob(`card-post-${request.id}`);
        return queued !== undefined && (await queued.getState()) === 'delayed' ? queued : undefined;
      },
      5000,
      'post waiting to retry',
    );
    await job.remove();
    // The job the reconciler queues again starts as a first attempt: it must still look before posting.
    const later = { ...t.app.deps, now: () => new Date(Date.now() + 60_000) };
    expect((await reconcileNow(later)).reposted).toBeGreaterThanOrEqual(1);
    const ts = await postedRow(t, request.id);
    expect(cardsFor(t, request.id).map((c) => c.ts)).toEqual([ts]);
  });

  it('re-renders an adopted card from the reconciler when its update job was lost', async () => {
    t.slack.failNext('chat.postMessage', { dropAnswer: true }, 1, isCard);
    const request = await createViaApi(t);
    await postedRow(t, request.id);
    // Let the adoption's own re-render finish first, so what follows is the only card state left.
    await eventually(
      async () =>
        (await t.app.db.approvalRequest.findUnique({ where: { id: request.id }, select: { cardVersion: true } }))
          ?.cardVersion !== null,
      10_000,
      'adopted card re-rendered',
    );
    // The card was adopted (it records no version), then the request was decided while the update
    // job that would have re-rendered it was lost (Redis lost it, or it had failed for good).
    const cards = t.app.jobs.queue('cards');
    await cards.pause();
    await t.app.db.approvalRequest.update({ where: { id: request.id }, data: { cardVersion: null } });
    await decide(t.app.deps, { requestId: request.id, userId: APPROVER_A, decision: 'approve' });
    await cards.drain(true);
    await cards.resume();
    const later = { ...t.app.deps, now: () => new Date(Date.now() + 60_000) };
    expect((await reconcileNow(later)).refreshed).toBeGreaterThanOrEqual(1);
    await eventually(() => buttonsOf(cardsFor(t, request.id)[0] as StoredMessage).length === 0, 10_000, 'rendered');
    expect(cardsFor(t, request.id)).toHaveLength(1);
  });
});
