import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/client/verify-webhook.ts';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { createApiClient } from '../../../src/services/api-keys/api-keys.ts';
import { decide } from '../../../src/services/requests/decide.ts';
import { lapseIfDue } from '../../../src/services/requests/lapse.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { CallbackReceiver, type ReceivedCallback } from '../../support/callback-receiver.ts';
import {
  APPROVER_A,
  api,
  CHANNEL,
  click,
  createViaApi,
  eventually,
  startLifecycleApp,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

type Delivered = {
  type: string;
  timestamp: string;
  data: {
    id: string;
    status: string;
    grant: { token: string; expiresAt: string } | null;
    executedAt: string | null;
    grantEnd: { status: string } | null;
  };
};

/** The callback's body, after the standardwebhooks library itself checked its signature. */
function verified(callback: ReceivedCallback | undefined, secret = SECRET): Delivered {
  if (callback === undefined) throw new Error('no callback');
  return new Webhook(secret).verify(callback.body, callback.headers as Record<string, string>) as Delivered;
}

describe('signed callbacks', () => {
  const t = useTestApp(
    { CALLBACK_SIGNING_SECRET: SECRET, CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true' },
    { start: startLifecycleApp, callbackTiming: { retryBaseMs: 50, retryCapMs: 200, attemptTimeoutMs: 1000 } },
  );
  let receiver: CallbackReceiver;
  beforeAll(async () => {
    receiver = await CallbackReceiver.start();
  });
  afterAll(() => receiver.close());

  let paths = 0;
  const newPath = () => {
    paths += 1;
    return `/hook-${paths}`;
  };
  const received = (path: string, count: number): Promise<ReceivedCallback[]> =>
    eventually(
      () => (receiver.at(path).length >= count ? receiver.at(path) : undefined),
      10_000,
      `${count} callback(s) at ${path}`,
    );
  const callbackAudit = async (requestId: string) =>
    (
      await t.app.db.auditEvent.findMany({
        where: { requestId, type: { startsWith: 'callback.' } },
        orderBy: { id: 'asc' },
      })
    ).map((event): Record<string, unknown> => ({ type: event.type, ...(event.details as Record<string, unknown>) }));
  const deny = async (id: string) => {
    const result = await decide(t.app.deps, { requestId: id, userId: APPROVER_A, decision: 'deny', reason: 'no' });
    expect(result.kind).toBe('recorded');
  };
  const approve = async (id: string) => {
    await click(t, APPROVER_A, 'approve_request', id);
    await eventually(async () => (await getRequest(t.app.db, id))?.status === 'approved');
  };

  it('posts request.approved with the grant, signed per Standard Webhooks, then request.executed', async () => {
    const path = newPath();
    const request = await createViaApi(t, { callbackUrl: receiver.url(path) });
    await approve(request.id);
    const [first] = await received(path, 1);
    expect(first?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Greenlight-Webhooks/1',
      'webhook-id': `msg_${request.id}_approved`,
    });
    expect(first?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const approved = verified(first);
    expect(approved.type).toBe('request.approved');
    expect(approved.data).toMatchObject({ id: request.id, status: 'approved' });
    expect(Date.parse(approved.timestamp)).not.toBeNaN();
    const token = approved.data.grant?.token as string;
    expect(token).toMatch(/^ey/);
    // A wrong secret does not verify: the signature is over this body with this key.
    expect(() => verified(first, `whsec_${Buffer.alloc(32, 1).toString('base64')}`)).toThrow();
    // The typed client's verifyWebhook reads the same delivery the same way.
    expect(verifyWebhook(first?.body as string, first?.headers as Record<string, string>, SECRET)).toMatchObject({
      type: 'request.approved',
      data: { id: request.id, status: 'approved' },
    });

    expect((await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: token } })).status).toBe(200);
    const executed = verified((await received(path, 2))[1]);
    // The receiver has the POST a moment before its answer comes back and the attempt is audited.
    await eventually(async () => (await callbackAudit(request.id)).length === 2);
    expect(executed.type).toBe('request.executed');
    expect(executed.data).toMatchObject({ id: request.id, status: 'executed', grant: null });
    expect(executed.data.executedAt).not.toBeNull();
    expect(receiver.at(path)[1]?.headers['webhook-id']).toBe(`msg_${request.id}_executed`);
    expect(await callbackAudit(request.id)).toMatchObject([
      { type: 'callback.delivered', event: 'request.approved', status: 200, attempt: 1 },
      { type: 'callback.delivered', event: 'request.executed', status: 200, attempt: 1 },
    ]);
  });

  const endings: Array<{ status: string; act: (id: string) => Promise<void>; ttlSeconds?: number }> = [
    { status: 'denied', act: deny },
    {
      status: 'cancelled',
      act: async (id) => {
        expect((await api(t, 'POST', `/requests/${id}/cancel`, { body: {} })).status).toBe(200);
      },
    },
    // The deadline's own timer expires it: the real path.
    { status: 'expired', act: async () => {}, ttlSeconds: 1 },
    {
      status: 'revoked',
      act: async (id) => {
        await approve(id);
        expect((await api(t, 'POST', `/requests/${id}/revoke`, { body: { reason: 'not needed' } })).status).toBe(200);
      },
    },
    {
      status: 'lapsed',
      act: async (id) => {
        await approve(id);
        const row = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id } });
        const after = new Date((row.grantExpiresAt as Date).getTime() + 1);
        await lapseIfDue({ ...t.app.deps, now: () => after }, id);
      },
    },
  ];
  for (const { status, act, ttlSeconds } of endings) {
    it(`posts request.${status}`, async () => {
      const path = newPath();
      const request = await createViaApi(t, {
        callbackUrl: receiver.url(path),
        ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
      });
      await act(request.id);
      const body = await eventually(
        () =>
          receiver
            .at(path)
            .map((callback) => verified(callback))
            .find((b) => b.type === `request.${status}`),
        10_000,
        `request.${status} callback`,
      );
      expect(body.data).toMatchObject({ id: request.id, status, grant: null });
    });
  }

  it('posts a rule’s immediate approval and denial from the create itself', async () => {
    const admin = { type: 'user' as const, id: 'U0ADMIN001' };
    await createRule(
      t.app.deps,
      admin,
      ruleInput({
        name: 'Sandbox',
        resourcePatterns: ['sandbox/**'],
        outcome: 'auto_approve',
        approvers: [],
        channelId: CHANNEL,
      }),
    );
    await createRule(
      t.app.deps,
      admin,
      ruleInput({
        name: 'Frozen',
        resourcePatterns: ['frozen/**'],
        outcome: 'auto_deny',
        denyMessage: 'frozen',
        approvers: [],
        channelId: CHANNEL,
      }),
    );
    const [approvedPath, deniedPath] = [newPath(), newPath()];
    const approved = await createViaApi(t, { resource: 'sandbox/x', callbackUrl: receiver.url(approvedPath) });
    const denied = await createViaApi(t, { resource: 'frozen/x', callbackUrl: receiver.url(deniedPath) });
    const auto = verified((await received(approvedPath, 1))[0]);
    expect(auto.type).toBe('request.approved');
    expect(auto.data.id).toBe(approved.id);
    expect(auto.data.grant?.token).toMatch(/^ey/);
    const refused = verified((await received(deniedPath, 1))[0]);
    expect(refused).toMatchObject({ type: 'request.denied', data: { id: denied.id, status: 'denied' } });
  });

  it('retries 5xx and 3xx answers under one webhook-id, auditing every attempt', async () => {
    const path = newPath();
    const request = await createViaApi(t, { callbackUrl: receiver.url(path, [500, 302, 500]) });
    await approve(request.id);
    const attempts = await received(path, 4);
    expect(new Set(attempts.map((callback) => callback.headers['webhook-id']))).toEqual(
      new Set([`msg_${request.id}_approved`]),
    );
    for (const attempt of attempts) expect(verified(attempt).type).toBe('request.approved');
    await eventually(async () => (await callbackAudit(request.id)).length === 4);
    expect(await callbackAudit(request.id)).toMatchObject([
      { type: 'callback.failed', event: 'request.approved', status: 500, attempt: 1 },
      { type: 'callback.failed', event: 'request.approved', status: 302, attempt: 2 },
      { type: 'callback.failed', event: 'request.approved', status: 500, attempt: 3 },
      { type: 'callback.delivered', event: 'request.approved', status: 200, attempt: 4 },
    ]);
    for (const row of await callbackAudit(request.id)) expect(row.durationMs).toEqual(expect.any(Number));
  });

  it('gives up on an attempt that hangs and tries again', async () => {
    const path = newPath();
    const request = await createViaApi(t, { callbackUrl: receiver.url(path, ['hang']) });
    await approve(request.id);
    await received(path, 2);
    await eventually(async () => (await callbackAudit(request.id)).length === 2);
    expect(await callbackAudit(request.id)).toMatchObject([
      { type: 'callback.failed', status: null, error: 'ETIMEDOUT', attempt: 1 },
      { type: 'callback.delivered', status: 200, attempt: 2 },
    ]);
    expect(receiver.abandoned).toBeGreaterThanOrEqual(1);
  });

  it('stops every callback of a request whose receiver answers 410 Gone', async () => {
    const path = newPath();
    const request = await createViaApi(t, { callbackUrl: receiver.url(path, [410]) });
    await approve(request.id);
    await received(path, 1);
    await eventually(async () => (await callbackAudit(request.id)).length === 1);
    const token = await eventually(async () => (await getRequest(t.app.db, request.id))?.grantToken);
    await eventually(async () => (await getRequest(t.app.db, request.id))?.callbacksStoppedAt);
    expect((await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: token } })).status).toBe(200);
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.callbacks));
    expect(receiver.at(path)).toHaveLength(1);
    expect(await callbackAudit(request.id)).toMatchObject([
      { type: 'callback.failed', event: 'request.approved', status: 410, reason: 'gone', final: true },
    ]);
  });

  it('re-queues a callback lost with a Redis flush, and never re-sends a delivered one', async () => {
    const path = newPath();
    const request = await createViaApi(t, { callbackUrl: receiver.url(path) });
    const callbacks = t.app.jobs.queue(QUEUES.callbacks);
    await callbacks.pause();
    try {
      await approve(request.id);
      await eventually(async () => (await callbacks.getJob(JOB_IDS.callback(request.id, 'approved'))) !== undefined);
      await callbacks.obliterate({ force: true }); // the queued delivery is gone
    } finally {
      await callbacks.resume();
    }
    // Past the reconciler's grace period, which leaves fresh changes to the jobs queued for them.
    await t.app.db.approvalRequest.update({
      where: { id: request.id },
      data: { decidedAt: new Date(Date.now() - 60_000) },
    });
    expect((await reconcileNow(t.app.deps)).recalled).toBeGreaterThanOrEqual(1);
    expect(verified((await received(path, 1))[0]).type).toBe('request.approved');
    await eventually(async () => (await callbackAudit(request.id)).length === 1);
    await waitForQueueIdle(callbacks);
    expect((await reconcileNow(t.app.deps)).recalled).toBe(0);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('signs the callbacks of a key made in App Home with that key’s own secret', async () => {
    const created = await createApiClient(t.app.deps, { type: 'user', id: 'U0ADMIN001' }, 'hooks-bot');
    expect(created.callbackSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = await t.app.db.apiClient.findUniqueOrThrow({ where: { name: 'hooks-bot' } });
    expect(stored.callbackSecret).not.toContain(created.callbackSecret.slice('whsec_'.length));
    const path = newPath();
    const res = await api<{ id: string }>(t, 'POST', '/requests', {
      key: created.secret,
      body: {
        action: 'db.drop_table',
        resource: 'prod/own-secret',
        reason: 'r',
        requester: { slackUserId: 'U0REQUEST1' },
        callbackUrl: receiver.url(path),
      },
    });
    expect(res.status).toBe(201);
    await deny(res.body.id);
    const [callback] = await received(path, 1);
    expect(verified(callback, created.callbackSecret).type).toBe('request.denied');
    expect(() => verified(callback, SECRET)).toThrow();
  });
});
