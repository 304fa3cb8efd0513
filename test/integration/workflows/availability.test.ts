import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import type { TestApp } from '../../support/harness.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  cardOf,
  click,
  createViaApi,
  dmsTo,
  eventually,
  GROUP_MEMBER,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { PrivateRedis } from '../../support/private-redis.ts';
import type { SlackCall } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const LATER_SECONDS = 2;

describe('availability-aware approver DMs', () => {
  const t = useTestApp(
    { APPROVER_DMS: 'true', UNAVAILABLE_NOTIFY_DELAY_SECONDS: String(LATER_SECONDS) },
    { start: startLifecycleApp, per: 'test' },
  );
  beforeEach(() => {
    for (const user of [APPROVER_A, APPROVER_B, GROUP_MEMBER]) {
      t.slack.setPresence(user, 'active');
      t.slack.setDnd(user, null);
    }
  });

  const get = async (id: string) => (await api<ApiRequest>(t, 'GET', `/requests/${id}`)).body;
  /** The DM to `user` about a request (a successful chat.postMessage in their DM linking to its card), if any. */
  const dmCallTo = (user: string, requestId: string): SlackCall | undefined => {
    const card = cardOf(t, requestId);
    if (card === undefined) return undefined;
    const link = `p${card.ts.replace('.', '')}`;
    const channels = new Set(
      t.slack
        .callsOf('conversations.open')
        .filter((c) => c.args.users === user && c.response.ok)
        .map((c) => (c.response.channel as { id: string }).id),
    );
    return t.slack
      .callsOf('chat.postMessage')
      .find((c) => channels.has(String(c.args.channel)) && c.response.ok && String(c.args.text).includes(link));
  };

  it('DMs available approvers first and those away or in Do Not Disturb later; the card lists them all', async () => {
    t.slack.setDnd(APPROVER_B, { minutes: 30 });
    t.slack.setPresence(GROUP_MEMBER, 'away');
    const request = await createViaApi(t);
    const first = await eventually(() => dmCallTo(APPROVER_A, request.id), 5000, 'DM to the available approver');
    expect(String(first.args.text)).toContain(`<@${REQUESTER}> asks for your approval`);
    expect(String(first.args.text)).toContain('on its card');
    // The card still lists everyone routed, and says who is told later.
    await eventually(async () =>
      JSON.stringify((await waitForCard(t, request.id)).blocks).includes('Away or in Do Not Disturb, told later'),
    );
    const card = JSON.stringify((await waitForCard(t, request.id)).blocks);
    expect(card).toContain(`<@${APPROVER_B}>`);
    expect(card).toContain(`<@${GROUP_MEMBER}>`);
    expect(dmCallTo(APPROVER_B, request.id)).toBeUndefined();
    expect(dmCallTo(GROUP_MEMBER, request.id)).toBeUndefined();
    expect(dmsTo(t, REQUESTER).some((text) => text.includes('asks for'))).toBe(false);

    const later = await eventually(
      () => dmCallTo(APPROVER_B, request.id) && dmCallTo(GROUP_MEMBER, request.id),
      LATER_SECONDS * 1000 + 5000,
      'DMs to the unavailable approvers',
    );
    expect(later.at - first.at).toBeGreaterThanOrEqual(LATER_SECONDS * 1000 - 200);
    // Eligibility never changed: everyone routed may still vote.
    expect((await get(request.id)).route.approvers.sort()).toEqual([APPROVER_A, APPROVER_B, GROUP_MEMBER].sort());
  });

  it('those away are told UNAVAILABLE_NOTIFY_DELAY_SECONDS after the available approver was, even when that DM is late', async () => {
    t.slack.setDnd(APPROVER_B, { minutes: 30 });
    t.slack.setPresence(GROUP_MEMBER, 'away');
    // The available approver's DM is rate limited for as long as the later DMs' delay: it goes out late.
    t.slack.failNext('chat.postMessage', { rateLimited: LATER_SECONDS }, 1, (args) =>
      String(args.text).includes('asks for your approval'),
    );
    const request = await createViaApi(t);
    const first = await eventually(() => dmCallTo(APPROVER_A, request.id), LATER_SECONDS * 1000 + 5000, 'the late DM');
    const later = await eventually(
      () => dmCallTo(APPROVER_B, request.id) && dmCallTo(GROUP_MEMBER, request.id),
      LATER_SECONDS * 1000 + 5000,
      'DMs to the unavailable approvers',
    );
    expect(later.at - first.at).toBeGreaterThanOrEqual(LATER_SECONDS * 1000);
  });

  it('an approver in Do Not Disturb can still approve, and is then not DM’d', async () => {
    t.slack.setDnd(APPROVER_B, { snoozeMinutes: 20 });
    const request = await createViaApi(t);
    await eventually(() => dmCallTo(APPROVER_A, request.id));
    expect(dmCallTo(APPROVER_B, request.id)).toBeUndefined();
    await click(t, APPROVER_B, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
    expect((await get(request.id)).decision?.by).toBe(APPROVER_B);
    // The later DM is cancelled with the decision: once the notify queue, which holds the later-DM timer and
    // the DMs it sends, has nothing left waiting, delayed or running, no DM to the approver went out.
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.notify), LATER_SECONDS * 1000 + 10_000);
    expect(dmCallTo(APPROVER_B, request.id)).toBeUndefined();
  });

  it('Slack errors on presence or DND never hold a request up: the approvers count as available', async () => {
    t.slack.failNext('users.getPresence', { error: 'user_not_found' }, 1, (args) => args.user === APPROVER_A);
    t.slack.failNext('dnd.info', { rateLimited: 30 }, 1, (args) => args.user === APPROVER_B);
    t.slack.failNext('users.getPresence', { httpStatus: 500 }, 1, (args) => args.user === GROUP_MEMBER);
    // A failed lookup counts as available whatever the other one says: the group member is in DND.
    t.slack.setDnd(GROUP_MEMBER, { minutes: 30 });
    const request = await createViaApi(t);
    await eventually(
      () => dmCallTo(APPROVER_A, request.id) && dmCallTo(APPROVER_B, request.id) && dmCallTo(GROUP_MEMBER, request.id),
      5000,
      'DMs to every approver at once',
    );
    const row = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(row.notifyLaterIds).toEqual([]);
    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
  });

  it('looks presence and DND up once a minute per approver, not once per request', async () => {
    const first = await createViaApi(t);
    await eventually(() => dmCallTo(APPROVER_A, first.id));
    const presenceCalls = t.slack.callsOf('users.getPresence').length;
    const dndCalls = t.slack.callsOf('dnd.info').length;
    expect(presenceCalls).toBe(3);
    expect(dndCalls).toBe(3);
    const second = await createViaApi(t);
    await eventually(() => dmCallTo(APPROVER_A, second.id));
    expect(t.slack.callsOf('users.getPresence')).toHaveLength(presenceCalls);
    expect(t.slack.callsOf('dnd.info')).toHaveLength(dndCalls);
  });
});

describe('availability-aware approver DMs after losing Redis', () => {
  let redis: PrivateRedis | undefined;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await redis?.close();
    app = undefined;
    redis = undefined;
  });

  it('the later DMs survive a FLUSHALL: the reconciler rebuilds their timer from PostgreSQL', async () => {
    redis = await PrivateRedis.start();
    const t = await startLifecycleApp({
      REDIS_URL: redis.url,
      RECONCILE_INTERVAL_SECONDS: '1',
      APPROVER_DMS: 'true',
      UNAVAILABLE_NOTIFY_DELAY_SECONDS: '3',
    });
    app = t;
    t.slack.setDnd(APPROVER_B, { minutes: 30 });
    const request = await createViaApi(t);
    await waitForCard(t, request.id);
    const told = (user: string) =>
      t.slack
        .callsOf('chat.postMessage')
        .some(
          (c) => c.response.ok && String(c.args.text).includes('asks for') && dmChannelOf(t, user) === c.args.channel,
        );
    await eventually(() => told(APPROVER_A), 5000, 'DM to the available approver');
    const row = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(row.notifyLaterIds).toEqual([APPROVER_B]);
    await redis.flushAll();
    await eventually(() => told(APPROVER_B), 3000 + 2000 + 5000, 'the later DM, after the flush');
  });
});

function dmChannelOf(t: TestApp, user: string): string | undefined {
  const open = t.slack.callsOf('conversations.open').find((c) => c.args.users === user && c.response.ok);
  return (open?.response.channel as { id: string } | undefined)?.id;
}
