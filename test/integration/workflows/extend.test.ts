import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { publicUrl } from '../../../src/config/grants.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import {
  APPROVER_A,
  APPROVER_B,
  api,
  CHANNEL,
  click,
  createViaApi,
  dmsTo,
  ephemeralsTo,
  eventually,
  OTHER_KEY,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import type { StoredMessage } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

type Extension = {
  id: string;
  status: string;
  seconds: number;
  decidedBy: string | null;
  grantExpiresAt: string | null;
};
type Req = {
  id: string;
  status: string;
  grant: { token: string; expiresAt: string } | null;
  extensions: Extension[];
  audit?: Array<{ type: string; actor: { type: string; id: string | null }; details: Record<string, unknown> }>;
};

describe('extend: a new grant for more time, decided by one routed approver', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const get = async (id: string) => (await api<Req>(t, 'GET', `/requests/${id}`)).body;
  const extend = (id: string, body: unknown, key?: string) =>
    api<Req>(t, 'POST', `/requests/${id}/extend`, { body, ...(key ? { key } : {}) });
  const lapseDue = async (id: string) => {
    const queue = t.app.jobs.queue(QUEUES.timers);
    const score = await t.app.deps.redis.zscore(queue.keys.delayed as string, `lapse-${id}`);
    if (score === null) throw new Error(`lapse-${id} is not delayed`);
    return Math.floor(Number(score) / 0x1000);
  };

  /** A request approved on its card by APPROVER_A, with its grant. */
  async function approved(overrides: Record<string, unknown> = {}) {
    const request = await createViaApi(t, overrides);
    await waitForCard(t, request.id);
    await click(t, APPROVER_A, 'approve_request', request.id);
    return eventually(async () => {
      const current = await get(request.id);
      return current.status === 'approved' && current.grant !== null ? current : undefined;
    });
  }
  /** The extension's reply in the card's thread, once posted with its buttons. */
  const extensionReply = (extensionId: string) =>
    eventually(() =>
      [...t.slack.messages.values()].find(
        (m) => m.thread_ts !== undefined && JSON.stringify(m.blocks ?? []).includes(extensionId),
      ),
    );
  const press = (user: string, actionId: 'approve_extension' | 'deny_extension', reply: StoredMessage, value: string) =>
    t.sender.blockAction({
      user_id: user,
      action_id: actionId,
      value,
      channel_id: CHANNEL,
      message_ts: reply.ts,
      block_id: 'extension',
    });

  it('the owning client asks, an approver approves: a new token with a later exp, same binding; the lapse timer moves', async () => {
    const before = await approved({ resource: 'prod/extend-approve' });
    const oldToken = before.grant?.token as string;
    const oldExp = decodeJwt(oldToken).exp as number;

    const asked = await extend(before.id, { seconds: 600, reason: 'Migration runs longer' });
    expect(asked.status).toBe(200);
    expect(asked.body.status).toBe('approved');
    expect(asked.body.grant?.token).toBe(oldToken);
    const extension = asked.body.extensions[0] as Extension;
    expect(extension).toMatchObject({ status: 'pending', seconds: 600 });
    // One waits at a time.
    expect((await extend(before.id, { seconds: 60, reason: 'again' })).status).toBe(409);

    const reply = await extensionReply(extension.id);
    expect(reply.text).toContain(`<@${APPROVER_A}>`);
    // The client asked on behalf of the requester it named: said so in the thread and in the trail.
    expect(reply.text).toContain(`asked by service ci on behalf of <@${REQUESTER}>`);
    const requested = (await get(before.id)).audit?.find((e) => e.type === 'extension.requested');
    expect(requested).toMatchObject({
      actor: { type: 'service', id: 'ci' },
      details: { onBehalfOf: `user:${REQUESTER}` },
    });
    const value = `${before.id}.${extension.id}`;
    // The requester can never approve their own extension.
    await press(REQUESTER, 'approve_extension', reply, value);
    await eventually(() => ephemeralsTo(t, REQUESTER).some((m) => m.includes('only its approvers can extend it')));
    expect((await get(before.id)).grant?.token).toBe(oldToken);

    await press(APPROVER_B, 'approve_extension', reply, value);
    const after = await eventually(async () => {
      const current = await get(before.id);
      return current.grant?.token !== oldToken ? current : undefined;
    });
    const jwks = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
    const issuer = publicUrl(t.config);
    const fresh = (await jwtVerify(after.grant?.token as string, jwks, { issuer, audience: 'ci' })).payload;
    const old = (await jwtVerify(oldToken, jwks, { issuer, audience: 'ci' })).payload;
    expect(fresh.exp).toBe(oldExp + 600);
    expect(old.exp).toBe(oldExp);
    expect(fresh.jti).not.toBe(old.jti);
    for (const claim of ['sub', 'action', 'resource', 'environment', 'params_hash', 'requester', 'approved_by']) {
      expect(fresh[claim]).toEqual(old[claim]);
    }
    expect(after.grant?.expiresAt).toBe(new Date((oldExp + 600) * 1000).toISOString());
    expect(after.extensions[0]).toMatchObject({ status: 'approved', decidedBy: APPROVER_B });
    const types = after.audit?.map((e) => e.type).filter((type) => type.startsWith('extension.'));
    // The second ask and the requester's press were refused (and audited); one approval decided it.
    expect(types).toEqual(['extension.requested', 'extension.refused', 'extension.refused', 'extension.approved']);
    expect(after.audit?.at(-1)?.details).toMatchObject({ previousGrantId: old.jti, grantId: fresh.jti });

    // The lapse timer is due at the new expiry.
    expect(Math.abs((await lapseDue(before.id)) - (oldExp + 600) * 1000)).toBeLessThan(250);
    // The thread reply loses its buttons; the requester hears it.
    await eventually(() =>
      t.slack
        .callsOf('chat.update')
        .some(
          (c) =>
            c.args.ts === reply.ts &&
            String(c.args.text).includes('Extension approved') &&
            !JSON.stringify(c.args.blocks).includes('approve_extension'),
        ),
    );
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('extended your access')));

    // Only the new token spends the grant.
    expect((await api(t, 'POST', `/requests/${before.id}/execute`, { body: { grant: oldToken } })).status).toBe(422);
    expect(
      (await api(t, 'POST', `/requests/${before.id}/execute`, { body: { grant: after.grant?.token } })).status,
    ).toBe(200);
  });

  it('a denied extension leaves the grant as it was', async () => {
    const before = await approved({ resource: 'prod/extend-deny' });
    const asked = await extend(before.id, { seconds: 900, reason: 'Need more time' });
    const extension = asked.body.extensions[0] as Extension;
    const reply = await extensionReply(extension.id);
    await press(APPROVER_B, 'deny_extension', reply, `${before.id}.${extension.id}`);
    const after = await eventually(async () => {
      const current = await get(before.id);
      return current.extensions[0]?.status === 'denied' ? current : undefined;
    });
    expect(after.grant).toEqual(before.grant);
    expect(after.audit?.map((e) => e.type).slice(-2)).toEqual(['extension.requested', 'extension.denied']);
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('denied your extension')));
  });

  it('refuses executed grants (409), other clients’ requests (404) and bad bodies (400); a waiting extension becomes moot', async () => {
    const request = await approved({ resource: 'prod/extend-refused' });
    expect((await extend(request.id, { seconds: 5, reason: '' })).body).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect((await extend(request.id, { seconds: 60, reason: 'x' }, OTHER_KEY)).status).toBe(404);
    const asked = await extend(request.id, { seconds: 60, reason: 'Slow job' });
    expect(asked.status).toBe(200);
    expect(
      (await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: request.grant?.token } })).status,
    ).toBe(200);
    const executed = await get(request.id);
    expect(executed.extensions[0]?.status).toBe('moot');
    expect(executed.audit?.map((e) => e.type)).toContain('extension.moot');
    const refused = await extend(request.id, { seconds: 60, reason: 'Too late' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'already_executed' } });
  });

  it('the requester asks from Slack (the extension form), and the request’s approvers see it in the thread', async () => {
    const request = await approved({ resource: 'prod/extend-slack' });
    const submitted = await t.sender.viewSubmission({
      user_id: REQUESTER,
      callback_id: 'request_extension_modal',
      private_metadata: JSON.stringify({ requestId: request.id }),
      values: {
        extension_seconds: { extension_seconds: { type: 'static_select', selected_option: { value: '3600' } } },
        extension_reason: { extension_reason: { type: 'plain_text_input', value: 'Rollout is slow' } },
      },
    });
    expect(submitted.status).toBe(200);
    const after = await get(request.id);
    expect(after.extensions[0]).toMatchObject({ status: 'pending', seconds: 3600 });
    await extensionReply(after.extensions[0]?.id as string);
    // Someone else's form submit is refused inline.
    const forged = await t.sender.viewSubmission({
      user_id: APPROVER_B,
      callback_id: 'request_extension_modal',
      private_metadata: JSON.stringify({ requestId: request.id }),
      values: {
        extension_seconds: { extension_seconds: { type: 'static_select', selected_option: { value: '3600' } } },
        extension_reason: { extension_reason: { type: 'plain_text_input', value: 'Mine now' } },
      },
    });
    expect(await forged.json()).toMatchObject({ response_action: 'errors' });
  });
});
