import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { verifyAuditChain } from '../../../src/services/audit/audit.ts';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  type ApiRequest,
  api,
  buttonsOf,
  CHANNEL,
  cardOf,
  click,
  createViaApi,
  dmsTo,
  ephemeralsTo,
  eventually,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

describe('expiry, Slack failures and recovery', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const get = async (id: string) => (await api<ApiRequest>(t, 'GET', `/requests/${id}`)).body;

  it('expires an undecided request at its deadline: card, requester and late clickers are told', async () => {
    const request = await createViaApi(t, { ttlSeconds: 1 });
    await waitForCard(t, request.id);
    const body = await eventually(async () => {
      const current = await get(request.id);
      return current.status === 'expired' ? current : undefined;
    }, 5000);
    expect(body.audit?.map((e) => e.type)).toEqual(['request.created', 'request.expired']);
    const card = await eventually(() => {
      const current = cardOf(t, request.id);
      return current && buttonsOf(current).length === 0 ? current : undefined;
    });
    expect(JSON.stringify(card.blocks)).toContain('Expired');
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('Expired')));

    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(() => ephemeralsTo(t, APPROVER_A).some((m) => m.includes('expired')));
    expect((await get(request.id)).status).toBe('expired');
  });

  it('waits out HTTP 429 for Retry-After, then posts the card once', async () => {
    t.slack.failNext('chat.postMessage', { rateLimited: 1 }, 1, (args) => args.channel === CHANNEL);
    const posted = Date.now();
    const request = await createViaApi(t);
    await waitForCard(t, request.id);
    expect(Date.now() - posted).toBeGreaterThanOrEqual(900);
    const attempts = t.slack
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === CHANNEL && JSON.stringify(c.args.blocks ?? []).includes(request.id));
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
  });

  it('retries transient Slack failures (HTTP 500) until the card is posted', async () => {
    t.slack.failNext('chat.postMessage', { httpStatus: 500 }, 2, (args) => args.channel === CHANNEL);
    const request = await createViaApi(t);
    await eventually(() => cardOf(t, request.id), 15_000);
  });

  it('records a permanent Slack error, tells the requester, and still expires the request', async () => {
    t.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1, (args) => args.channel === CHANNEL);
    const request = await createViaApi(t, { ttlSeconds: 2 });
    const failed = await eventually(async () => {
      const current = await get(request.id);
      return current.slack.error ? current : undefined;
    });
    expect(failed.slack).toMatchObject({ error: 'channel_not_found', messageTs: null });
    expect(failed.status).toBe('pending');
    expect(failed.audit?.map((e) => e.type)).toContain('slack.delivery_failed');
    await eventually(() =>
      dmsTo(t, REQUESTER).some((m) => m.includes('could not be shown') && m.includes('channel_not_found')),
    );
    await eventually(async () => (await get(request.id)).status === 'expired', 6000);
    expect(cardOf(t, request.id)).toBeUndefined();
  });

  it('a decision on another instance wakes a long-poll on this one', async () => {
    const second = await startLifecycleApp(
      { QUEUE_PREFIX: t.config.QUEUE_PREFIX },
      { database: t.database, slack: t.slack },
    );
    try {
      const request = await createViaApi(t);
      await waitForCard(t, request.id);
      const waiting = api<ApiRequest>(t, 'GET', `/requests/${request.id}?wait=20`);
      // A head start for the poll, not a wait before asserting that nothing happened: the app shows no
      // sign that a poll is subscribed, and a poll that starts late still answers 'approved' (just sooner).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const card = cardOf(t, request.id);
      await second.sender.blockAction({
        user_id: APPROVER_A,
        action_id: 'approve_request',
        value: request.id,
        channel_id: CHANNEL,
        message_ts: card?.ts as string,
      });
      const started = Date.now();
      expect((await waiting).body.status).toBe('approved');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await second.close();
    }
  });

  it('loses nothing when Redis is flushed: the reconciler rebuilds timers from PostgreSQL', async () => {
    const soon = await createViaApi(t, { ttlSeconds: 3 });
    const overdue = await createViaApi(t, { ttlSeconds: 1 });
    await waitForCard(t, soon.id);
    await waitForCard(t, overdue.id);
    // Flush the timers (as a Redis restart without persistence would).
    const timers = t.app.jobs.queue(QUEUES.timers);
    await timers.pause();
    await timers.obliterate({ force: true });
    await timers.resume();
    expect(await timers.getJob(`expire-${soon.id}`)).toBeUndefined();
    const counts = await timers.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children');
    expect(Object.values(counts).every((count) => count === 0)).toBe(true);
    // Wait for `overdue`'s deadline by the database's clock: with no timer left, nothing expires it.
    await eventually(
      async () =>
        (
          await query<{ due: boolean }>(
            t.database.url,
            'SELECT expires_at <= now() AS due FROM approval_requests WHERE id = $1',
            [overdue.id],
          )
        )[0]?.due,
      5000,
      'overdue request past its deadline',
    );
    // `overdue` passed its deadline with no timer; `soon` has a deadline ahead and no timer.
    expect((await get(overdue.id)).status).toBe('pending');
    const repaired = await reconcileNow(t.app.deps);
    expect(repaired.expired).toBeGreaterThanOrEqual(1);
    expect(repaired.rescheduled).toBeGreaterThanOrEqual(1);
    expect((await get(overdue.id)).status).toBe('expired');
    await eventually(async () => (await get(soon.id)).status === 'expired', 8000);
  });

  it('re-renders a card whose update was lost with a Redis flush', async () => {
    const request = await createViaApi(t);
    await waitForCard(t, request.id);
    await eventually(
      async () =>
        (
          await query<{ card_version: number | null }>(
            t.database.url,
            'SELECT card_version FROM approval_requests WHERE id = $1',
            [request.id],
          )
        )[0]?.card_version === 0,
    );
    const cards = t.app.jobs.queue(QUEUES.cards);
    await cards.pause();
    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
    await cards.obliterate({ force: true }); // the queued card update is gone
    await cards.resume();
    await query(t.database.url, "UPDATE approval_requests SET updated_at = now() - interval '1 minute' WHERE id = $1", [
      request.id,
    ]);
    expect(buttonsOf(cardOf(t, request.id) as NonNullable<ReturnType<typeof cardOf>>)).toHaveLength(2);
    const repaired = await reconcileNow(t.app.deps);
    expect(repaired.refreshed).toBeGreaterThanOrEqual(1);
    await eventually(() => buttonsOf(cardOf(t, request.id) as NonNullable<ReturnType<typeof cardOf>>).length === 0);
  });

  it('re-sends outcome notifications lost with a Redis flush, and never twice', async () => {
    // DMs name the action and resource, not the request id: a resource of its own tells this
    // request's DMs from those of the file's other requests.
    const resource = `prod/renotify-${randomUUID()}`;
    const request = await createViaApi(t, { resource });
    const card = await waitForCard(t, request.id);
    // The outcome notices go out in the request's follow-up job, on the cards queue.
    const notify = t.app.jobs.queue(QUEUES.cards);
    await notify.pause();
    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
    await notify.obliterate({ force: true }); // the queued follow-up (card, thread reply, DM) is gone
    await notify.resume();
    await query(
      t.database.url,
      "UPDATE approval_requests SET decided_at = now() - interval '2 minutes' WHERE id = $1",
      [request.id],
    );
    const replies = () => [...t.slack.messages.values()].filter((m) => m.thread_ts === card.ts);
    const outcomeDms = () => dmsTo(t, REQUESTER).filter((m) => m.includes(resource) && !m.includes('in your name'));
    expect(replies()).toHaveLength(0);
    expect(outcomeDms()).toHaveLength(0);

    expect((await reconcileNow(t.app.deps)).renotified).toBeGreaterThanOrEqual(2);
    await waitForQueueIdle(notify);
    expect(replies()).toHaveLength(1);
    expect(outcomeDms()).toHaveLength(1);
    expect(outcomeDms()[0]).toContain('Approved');
    const [row] = await query<{ thread_replied_at: Date | null; outcome_dm_at: Date | null }>(
      t.database.url,
      'SELECT thread_replied_at, outcome_dm_at FROM approval_requests WHERE id = $1',
      [request.id],
    );
    expect(row?.thread_replied_at).toBeInstanceOf(Date);
    expect(row?.outcome_dm_at).toBeInstanceOf(Date);

    // Sent and recorded: another pass queues nothing, and nothing goes out again.
    expect((await reconcileNow(t.app.deps)).renotified).toBe(0);
    await waitForQueueIdle(notify);
    expect(replies()).toHaveLength(1);
    expect(outcomeDms()).toHaveLength(1);
  });

  it('detects a rewritten audit event even when the append-only trigger is bypassed', async () => {
    const request = await createViaApi(t);
    expect(await verifyAuditChain(t.app.db, request.id)).toBeNull();
    await query(
      t.database.url,
      `ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
       UPDATE audit_events SET details = jsonb_set(details, '{resource}', '"prod/nothing"') WHERE request_id = '${request.id}';
       ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;`,
    );
    expect(await verifyAuditChain(t.app.db, request.id)).not.toBeNull();
  });
});
