import { beforeAll, describe, expect, it } from 'vitest';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { messageLink } from '../../../src/slack/blocks/kit/links.ts';
import {
  APPROVER_A,
  APPROVER_B,
  type ApiRequest,
  api,
  createViaApi,
  dmsTo,
  ephemeralsTo,
  eventually,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
  waitForCard,
} from '../../support/lifecycle.ts';
import { DBA_CHANNEL, ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const GLASS_CHANNEL = 'C0ONBEHALF';
/** The lifecycle app's default key belongs to the API client named `ci`. */
const SERVICE = 'ci';

type Actor = { type: string; id: string | null; onBehalfOf?: string };
type Request = ApiRequest & {
  decision: { status: string; by: string; actor: Actor } | null;
  grantEnd: { by: string; actor: Actor } | null;
  audit?: Array<{ type: string; actor: Actor; details: Record<string, unknown> }>;
};

/**
 * Acts a service performs with a person named as requester are the service's: the audit trail, the
 * card, the announcement and the DMs name the service acting on that person's behalf, the person is
 * told by DM (with a link to the card) that it was done in their name, and they still cannot
 * approve what was asked in their name.
 */
describe('a service acting on behalf of the person it names', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  beforeAll(async () => {
    t.slack.addChannel(DBA_CHANNEL);
    t.slack.addChannel(GLASS_CHANNEL);
    await createRule(
      t.app.deps,
      { type: 'user', id: 'U0ADMIN001' },
      ruleInput({
        name: 'Prod, break-glass allowed',
        approvers: [APPROVER_A, APPROVER_B],
        requiredApprovals: 1,
        breakGlass: { allowed: true, channelId: GLASS_CHANNEL },
      }),
    );
  });

  const get = async (id: string) => (await api<Request>(t, 'GET', `/requests/${id}`)).body;
  const auditOf = async (id: string) => (await get(id)).audit ?? [];
  const cardText = async (id: string) => JSON.stringify((await waitForCard(t, id, DBA_CHANNEL)).blocks);
  const approve = async (user: string, requestId: string) => {
    const card = await waitForCard(t, requestId, DBA_CHANNEL);
    const res = await t.sender.blockAction({
      user_id: user,
      action_id: 'approve_request',
      value: requestId,
      channel_id: DBA_CHANNEL,
      message_ts: card.ts,
      block_id: 'decision',
    });
    expect(res.status).toBe(200);
  };
  const onBehalfOf = (user: string) => ({
    actor: { type: 'service', id: SERVICE },
    details: expect.objectContaining({ onBehalfOf: `user:${user}` }),
  });

  it('records an API break-glass as the service’s act for the person, shows it so, and tells the person', async () => {
    // An approver named as requester: the case the attack used (the trail said the approver acted).
    const res = await api<Request>(t, 'POST', '/requests', {
      body: {
        ...VALID_BODY,
        resource: 'prod/glass',
        requester: { slackUserId: APPROVER_B },
        breakGlass: true,
        breakGlassReason: 'Outage INC-9',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.decision).toMatchObject({
      status: 'approved',
      by: `service:${SERVICE}`,
      actor: { type: 'service', id: SERVICE, onBehalfOf: APPROVER_B },
    });
    const { id } = res.body;

    const audit = await auditOf(id);
    expect(audit.map((e) => e.type)).toEqual(['request.created', 'break_glass.used', 'request.approved']);
    for (const event of audit) expect(event).toMatchObject(onBehalfOf(APPROVER_B));
    expect(audit[2]?.details).toMatchObject({ breakGlass: true });
    // The person never acted: no event has them as its actor.
    expect(audit.filter((e) => e.actor.id === APPROVER_B)).toEqual([]);

    // The card and the announcement name the service and whom it acted for, never "their own request".
    const card = await waitForCard(t, id, DBA_CHANNEL);
    const blocks = JSON.stringify(card.blocks);
    expect(blocks).toContain(`service ${SERVICE} broke glass on behalf of <@${APPROVER_B}>`);
    expect(blocks).toContain(`by service ${SERVICE} on behalf of <@${APPROVER_B}>`);
    expect(blocks).not.toContain('approved their own request');
    const announcement = await eventually(() =>
      [...t.slack.messages.values()].find((m) => m.channel === GLASS_CHANNEL && JSON.stringify(m.blocks).includes(id)),
    );
    expect(announcement.text).toContain(`service ${SERVICE} broke glass on behalf of <@${APPROVER_B}>`);

    // The person is told, with a link to the card; their outcome DM says who decided.
    const link = messageLink(DBA_CHANNEL, card.ts);
    const told = await eventually(() =>
      dmsTo(t, APPROVER_B).find((m) => m.includes('invoked break-glass in your name')),
    );
    expect(told).toContain(`Service *${SERVICE}*`);
    expect(told).toContain(link);
    await eventually(() =>
      dmsTo(t, APPROVER_B).some((m) => m.includes('Approved') && m.includes(`by service ${SERVICE} on behalf of`)),
    );
  });

  it('DMs the person an API request names a link to the card, saying the service asked in their name', async () => {
    const request = await createViaApi(t, { resource: 'prod/plain' });
    const card = await waitForCard(t, request.id, DBA_CHANNEL);
    const dm = await eventually(() =>
      dmsTo(t, REQUESTER).find((m) => m.includes('`prod/plain`') && m.includes('made a request in your name')),
    );
    expect(dm).toContain(`Service *${SERVICE}*`);
    expect(dm).toContain(messageLink(DBA_CHANNEL, card.ts));
    expect((await auditOf(request.id))[0]).toMatchObject({ type: 'request.created', ...onBehalfOf(REQUESTER) });
  });

  it('still refuses the named person’s own approval, and records the service’s cancel for them', async () => {
    const request = await createViaApi(t, { resource: 'prod/self', requester: { slackUserId: APPROVER_A } });
    await approve(APPROVER_A, request.id);
    await eventually(() => ephemeralsTo(t, APPROVER_A).some((m) => m.includes("can't approve your own request")));
    const after = await get(request.id);
    expect(after.status).toBe('pending');
    expect(after.votes).toEqual([]);

    const cancelled = await api<Request>(t, 'POST', `/requests/${request.id}/cancel`, {
      body: { reason: 'not needed' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.decision?.actor).toEqual({ type: 'service', id: SERVICE, onBehalfOf: APPROVER_A });
    expect((await auditOf(request.id)).find((e) => e.type === 'request.cancelled')).toMatchObject(
      onBehalfOf(APPROVER_A),
    );
    await eventually(async () =>
      (await cardText(request.id)).includes(`Cancelled* by service ${SERVICE} on behalf of <@${APPROVER_A}>`),
    );
  });

  it('records a revoke by the service for the person, on the card and in their DM', async () => {
    const request = await createViaApi(t, { resource: 'prod/revoke' });
    await approve(APPROVER_A, request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
    const revoked = await api<Request>(t, 'POST', `/requests/${request.id}/revoke`, { body: { reason: 'done' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.grantEnd?.actor).toEqual({ type: 'service', id: SERVICE, onBehalfOf: REQUESTER });
    expect((await auditOf(request.id)).find((e) => e.type === 'request.revoked')).toMatchObject(onBehalfOf(REQUESTER));
    await eventually(async () =>
      (await cardText(request.id)).includes(`revoked* by service ${SERVICE} on behalf of <@${REQUESTER}>`),
    );
    await eventually(() =>
      dmsTo(t, REQUESTER).some((m) => m.includes('was revoked') && m.includes(`by service ${SERVICE} on behalf of`)),
    );
  });
});
