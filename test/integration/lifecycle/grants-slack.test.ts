import { createRemoteJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { publicUrl } from '../../../src/config/grants.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { verifyAuditChain } from '../../../src/services/audit/audit.ts';
import { lapseIfDue } from '../../../src/services/requests/lapse.ts';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  APPROVER_B,
  api,
  buttonsOf,
  CHANNEL,
  cardOf,
  click,
  createViaApi,
  dmsTo,
  ephemeralsTo,
  eventually,
  grantButtonsOf,
  OUTSIDER,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import type { SlackCall, StoredMessage } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

type Grant = {
  id: string;
  status: string;
  source: string;
  executedAt: string | null;
  grant: { token: string; expiresAt: string } | null;
  grantEnd: { status: string; by: string; reason: string | null } | null;
  audit?: Array<{ type: string; actor: { type: string; id: string | null }; details: Record<string, unknown> }>;
};
type View = {
  callback_id?: string;
  private_metadata?: string;
  title: { text: string };
  submit?: { text: string };
  blocks: Array<Record<string, unknown>>;
};

describe('grants in Slack: Revoke access, Show grant, grant-end notices', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  const get = async (id: string) => (await api<Grant>(t, 'GET', `/requests/${id}`)).body;
  const card = (id: string) => cardOf(t, id) as StoredMessage;
  const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []);
  const threadOf = (ts: string) =>
    [...t.slack.messages.values()]
      .filter((m) => m.thread_ts === ts)
      .sort((a, b) => Number(a.ts) - Number(b.ts))
      .map((m) => m.text ?? '');
  // Outcome notices (thread replies, requester DMs) are sent by the request's follow-up job, on the cards queue.
  const notify = () => t.app.jobs.queue(QUEUES.cards);

  /** A request approved on its card by APPROVER_A, once its card offers Revoke access. */
  async function approvedRequest(overrides: Record<string, unknown> = {}) {
    const request = await createViaApi(t, overrides);
    await waitForCard(t, request.id);
    await click(t, APPROVER_A, 'approve_request', request.id);
    const approved = await eventually(() => {
      const current = cardOf(t, request.id);
      return current !== undefined && grantButtonsOf(current).length > 0 ? current : undefined;
    });
    return { id: request.id, card: approved };
  }

  const pressRevoke = (user: string, id: string, ts: string) =>
    t.sender.blockAction({
      user_id: user,
      action_id: 'revoke_grant',
      value: id,
      channel_id: CHANNEL,
      message_ts: ts,
      block_id: 'grant',
    });
  const revokeModalFor = async (id: string, after = 0) =>
    (
      await t.slack.waitForCall(
        'views.open',
        (c) =>
          c.at >= after &&
          (c.args.view as View).callback_id === 'revoke_grant_modal' &&
          String((c.args.view as View).private_metadata).includes(id),
      )
    ).args.view as View;
  const submitRevoke = (user: string, view: View, reason: string | null) =>
    t.sender.viewSubmission({
      user_id: user,
      callback_id: 'revoke_grant_modal',
      private_metadata: view.private_metadata ?? '',
      values: { reason: { reason: { type: 'plain_text_input', value: reason } } },
    });

  it('shows an approved card with when access is valid and a danger, confirmed Revoke access', async () => {
    const { id, card: approved } = await approvedRequest();
    expect(buttonsOf(approved)).toEqual([]);
    const [revoke] = grantButtonsOf(approved);
    expect(revoke).toMatchObject({
      action_id: 'revoke_grant',
      value: id,
      style: 'danger',
      text: { text: 'Revoke access' },
    });
    expect(revoke?.confirm).toMatchObject({ title: { text: 'Revoke this access?' }, style: 'danger' });
    expect(text(approved)).toContain(`Approved* by <@${APPROVER_A}>`);
    expect(text(approved)).toContain('Access valid until <!date^');
  });

  it('an approver revokes on the card with a reason: revoked and audited, card, thread and requester DM say so', async () => {
    const { id, card: approved } = await approvedRequest({ resource: 'prod/revoke-by-approver' });
    const pressedAt = Date.now();
    await pressRevoke(APPROVER_B, id, approved.ts);
    const view = await revokeModalFor(id, pressedAt);
    expect(view.title.text).toBe('Revoke access');
    expect(view.submit?.text).toBe('Revoke access');
    expect(view.blocks.find((b) => b.type === 'input')).toMatchObject({ block_id: 'reason', optional: true });
    expect((await get(id)).status).toBe('approved');

    const submitted = await submitRevoke(APPROVER_B, view, '  Change freeze starts now  ');
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toBe('');
    const body = await get(id);
    expect(body.status).toBe('revoked');
    expect(body.grant).toBeNull();
    expect(body.grantEnd).toMatchObject({ status: 'revoked', by: APPROVER_B, reason: 'Change freeze starts now' });
    expect(body.audit?.at(-1)).toMatchObject({
      type: 'request.revoked',
      actor: { type: 'user', id: APPROVER_B },
      details: { from: 'approved', to: 'revoked', reason: 'Change freeze starts now' },
    });
    expect(await verifyAuditChain(t.app.db, id)).toBeNull();

    // The card: same message, no button left, the approval and the revocation side by side.
    const revoked = await eventually(() => (grantButtonsOf(card(id)).length === 0 ? card(id) : undefined));
    expect(revoked.ts).toBe(approved.ts);
    expect(text(revoked)).toContain(`Approved* by <@${APPROVER_A}>`);
    expect(text(revoked)).toMatch(
      new RegExp(`\\*Access revoked\\* by <@${APPROVER_B}> <!date\\^\\d+\\^[^>]+> — Change freeze starts now`),
    );
    // The thread: the approval, then the revocation.
    await eventually(() => threadOf(approved.ts).length === 2);
    const [first, second] = threadOf(approved.ts);
    expect(first).toContain('*Approved*');
    expect(second).toContain(`*Access revoked* by <@${APPROVER_B}>`);
    expect(second).toContain('Change freeze starts now');
    // The requester: the approval, then the revocation, once each.
    await waitForQueueIdle(notify());
    const dms = dmsTo(t, REQUESTER).filter((m) => m.includes('prod/revoke-by-approver') && !m.includes('in your name'));
    expect(dms).toHaveLength(2);
    expect(dms[0]).toContain('Approved');
    expect(dms[1]).toMatch(
      new RegExp(
        `^:leftwards_arrow_with_hook: Your access for .* was revoked by <@${APPROVER_B}> <!date\\^[^>]+>: Change freeze starts now$`,
      ),
    );
  });

  it('the requester may revoke their own access, with no reason', async () => {
    const { id, card: approved } = await approvedRequest({ resource: 'prod/revoke-by-requester' });
    const pressedAt = Date.now();
    await pressRevoke(REQUESTER, id, approved.ts);
    const view = await revokeModalFor(id, pressedAt);
    await submitRevoke(REQUESTER, view, null);
    const body = await get(id);
    expect(body.status).toBe('revoked');
    expect(body.grantEnd).toMatchObject({ by: REQUESTER, reason: null });
    await eventually(() => text(card(id)).includes(`*Access revoked* by <@${REQUESTER}>`));
    await eventually(() =>
      dmsTo(t, REQUESTER).some((m) => m.includes('prod/revoke-by-requester') && m.includes('was revoked')),
    );
  });

  it('refuses an outsider with an ephemeral message, audits it, opens no form and changes nothing', async () => {
    const { id, card: approved } = await approvedRequest();
    await pressRevoke(OUTSIDER, id, approved.ts);
    await eventually(() =>
      ephemeralsTo(t, OUTSIDER).includes('Only the requester or an approver can revoke this access.'),
    );
    // A submission forged without the button is refused the same way, in the form.
    const forged = await submitRevoke(
      OUTSIDER,
      { title: { text: '' }, blocks: [], private_metadata: JSON.stringify({ requestId: id }) },
      'mine now',
    );
    expect(await forged.json()).toEqual({
      response_action: 'errors',
      errors: { reason: 'Only the requester or an approver can revoke this access.' },
    });
    const body = await get(id);
    expect(body.status).toBe('approved');
    expect(body.grant).not.toBeNull();
    const refusals = body.audit?.filter((e) => e.type === 'revoke.refused') ?? [];
    expect(refusals.map((e) => [e.actor.id, e.details.reason])).toEqual([
      [OUTSIDER, 'not_allowed'],
      [OUTSIDER, 'not_allowed'],
    ]);
    expect(t.slack.callsOf('views.open').some((c) => JSON.stringify(c.args.view).includes(id))).toBe(false);
    expect(grantButtonsOf(card(id))).toHaveLength(1);
  });

  it('revokes from App Home, where approvers and the requester see the access they may revoke', async () => {
    const { id } = await approvedRequest({ resource: 'prod/revoke-from-home' });
    const homeOf = (user: string) => JSON.stringify(t.slack.homes.get(user) ?? {});
    for (const user of [APPROVER_B, REQUESTER, OUTSIDER]) {
      await t.sender.event({ type: 'app_home_opened', user, tab: 'home' });
    }
    await eventually(() => homeOf(APPROVER_B).includes(`grant_${id}`));
    await eventually(() => homeOf(REQUESTER).includes(`grant_${id}`));
    await eventually(() => t.slack.homes.has(OUTSIDER));
    expect(homeOf(OUTSIDER)).not.toContain(`grant_${id}`);
    expect(homeOf(APPROVER_B)).toContain('Active access');
    expect(homeOf(APPROVER_B)).toContain(`approved by <@${APPROVER_A}> <!date^`);

    const pressedAt = Date.now();
    await t.sender.blockAction({
      user_id: APPROVER_B,
      action_id: 'revoke_grant',
      value: id,
      block_id: `grant_${id}`,
      view: { id: 'VHOME', type: 'home', private_metadata: '{}' },
    });
    const view = await revokeModalFor(id, pressedAt);
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ requestId: id });
    await submitRevoke(APPROVER_B, view, 'Done by hand instead');
    expect((await get(id)).status).toBe('revoked');
    // The presser's Home is published again without it.
    await eventually(() => !homeOf(APPROVER_B).includes(`grant_${id}`));
    await eventually(() => text(card(id)).includes('Done by hand instead'));
  });

  it('after execution: the card shows when, Revoke access is gone, the thread says so, the requester gets no DM', async () => {
    const { id, card: approved } = await approvedRequest({ resource: 'prod/executed' });
    const { grant } = await get(id);
    expect(grant).not.toBeNull();
    const executed = await api<Grant>(t, 'POST', `/requests/${id}/execute`, { body: { grant: grant?.token } });
    expect(executed.status).toBe(200);
    expect(executed.body.status).toBe('executed');
    const executedAt = Math.floor(Date.parse(executed.body.executedAt as string) / 1000);

    const updated = await eventually(() => (grantButtonsOf(card(id)).length === 0 ? card(id) : undefined));
    expect(text(updated)).toContain(`Approved* by <@${APPROVER_A}>`);
    expect(text(updated)).toContain(`*Executed* <!date^${executedAt}^`);
    expect(text(updated)).not.toContain('revoke_grant');
    await eventually(() => threadOf(approved.ts).length === 2);
    expect(threadOf(approved.ts)[1]).toContain(`*Executed* <!date^${executedAt}^`);
    await waitForQueueIdle(notify());
    const dms = dmsTo(t, REQUESTER).filter((m) => m.includes('prod/executed') && !m.includes('in your name'));
    expect(dms).toHaveLength(1);
    expect(dms[0]).toContain('Approved');

    // A Revoke access pressed on an old copy of the card is told how the grant ended, and audited.
    await pressRevoke(APPROVER_A, id, approved.ts);
    const told = await eventually(() => ephemeralsTo(t, APPROVER_A).find((m) => m.startsWith('Nothing to revoke')));
    expect(told).toContain(`*Executed* <!date^${executedAt}^`);
    expect((await get(id)).audit?.at(-1)).toMatchObject({
      type: 'revoke.refused',
      details: { reason: 'not_approved', status: 'executed' },
    });
  });

  it('holds an execution’s thread reply back until the approval’s is out, so the thread reads in order', async () => {
    const request = await createViaApi(t, { resource: 'prod/in-order' });
    const posted = await waitForCard(t, request.id);
    // Slack fails the approval's thread reply twice (retried with backoff); the execution comes meanwhile.
    t.slack.failNext(
      'chat.postMessage',
      { httpStatus: 500 },
      2,
      (args) => args.thread_ts === posted.ts && String(args.text).includes('*Approved*'),
    );
    await click(t, APPROVER_A, 'approve_request', request.id);
    await eventually(async () => (await get(request.id)).status === 'approved');
    const { grant } = await get(request.id);
    const executed = await api<Grant>(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: grant?.token } });
    expect(executed.status).toBe(200);
    await eventually(() => threadOf(posted.ts).length === 2, 15_000, 'both replies');
    const [first, second] = threadOf(posted.ts);
    expect(first).toContain('*Approved*');
    expect(second).toContain('*Executed*');
  });

  it('Show grant: a Slack requester opens the token from the outcome DM; it verifies; nobody else sees it', async () => {
    const submitted = await t.sender.viewSubmission({
      user_id: REQUESTER,
      callback_id: 'request_action_modal',
      values: {
        action: { action: { type: 'plain_text_input', value: 'iam.grant_admin' } },
        resource: { resource: { type: 'plain_text_input', value: 'aws/show-grant' } },
        environment: { environment: { type: 'plain_text_input', value: null } },
        risk: { risk: { type: 'static_select', selected_option: { value: 'high' } } },
        reason: { reason: { type: 'plain_text_input', value: 'Incident INC-7' } },
        ttl: { ttl: { type: 'static_select', selected_option: { value: '900' } } },
      },
    });
    expect(submitted.status).toBe(200);
    const [row] = await query<{ id: string; source: string }>(
      t.database.url,
      "SELECT id::text AS id, source FROM approval_requests WHERE resource = 'aws/show-grant'",
    );
    const id = row?.id as string;
    expect(row?.source).toBe('slack');
    await waitForCard(t, id);
    await click(t, APPROVER_A, 'approve_request', id);

    // The outcome DM carries Show grant.
    const outcome = await t.slack.waitForCall(
      'chat.postMessage',
      (c) =>
        String(c.args.text).includes('aws/show-grant') && JSON.stringify(c.args.blocks ?? []).includes('show_grant'),
    );
    const dm = {
      channel: String(outcome.args.channel),
      ts: String(outcome.response.ts),
      blocks: outcome.args.blocks as unknown[],
    };
    expect(dm.channel).toMatch(/^D/);
    expect(grantButtonsOf(dm)).toEqual([
      expect.objectContaining({
        action_id: 'show_grant',
        value: id,
        text: expect.objectContaining({ text: 'Show grant' }),
      }),
      expect.objectContaining({ action_id: 'request_extension', value: id }),
    ]);
    const press = (user: string, channel?: string) =>
      t.sender.blockAction({
        user_id: user,
        action_id: 'show_grant',
        value: id,
        block_id: 'grant',
        ...(channel === undefined ? {} : { channel_id: channel, message_ts: dm.ts }),
      });
    const grantModal = async (after: number) =>
      (
        await t.slack.waitForCall(
          'views.open',
          (c: SlackCall) => c.at >= after && (c.args.view as View).title.text === 'Your grant',
        )
      ).args.view as View;

    // Someone else (a forged press: they cannot see the DM) is refused and audited; no modal opens.
    const before = Date.now();
    await press(OUTSIDER);
    await eventually(() => dmsTo(t, OUTSIDER).includes('Only the person who asked for this access can see its grant.'));
    await press(APPROVER_A, CHANNEL);
    await eventually(() =>
      ephemeralsTo(t, APPROVER_A).includes('Only the person who asked for this access can see its grant.'),
    );
    expect(
      t.slack.callsOf('views.open').filter((c) => c.at >= before && (c.args.view as View).title.text === 'Your grant'),
    ).toEqual([]);

    // The requester sees the token, as the row holds it, and it verifies against the JWKS.
    const pressedAt = Date.now();
    await press(REQUESTER, dm.channel);
    const view = await grantModal(pressedAt);
    const token = (
      view.blocks.find((b) => b.type === 'rich_text') as {
        elements: Array<{ type: string; elements: Array<{ text: string }> }>;
      }
    ).elements[0]?.elements[0]?.text as string;
    const [stored] = await query<{ grant_token: string; grant_expires_at: Date }>(
      t.database.url,
      'SELECT grant_token, grant_expires_at FROM approval_requests WHERE id = $1',
      [id],
    );
    expect(token).toBe(stored?.grant_token);
    const issuer = publicUrl(t.config);
    const jwks = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience: 'slack' });
    expect(protectedHeader.typ).toBe('greenlight-grant+jwt');
    expect(payload).toMatchObject({ sub: id, requester: REQUESTER, action: 'iam.grant_admin' });
    const modal = JSON.stringify(view);
    expect(modal).toContain(`${issuer}/.well-known/jwks.json`);
    expect(modal).toContain(`Expires <!date^${Math.floor((stored?.grant_expires_at.getTime() ?? 0) / 1000)}^`);

    // A request made in Slack belongs to no API client: its trail is read from the database.
    const audit = await query<{ type: string; actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      'SELECT type, actor_id, details FROM audit_events WHERE request_id = $1 ORDER BY id',
      [id],
    );
    expect(audit.filter((e) => e.type === 'grant.show_refused').map((e) => [e.actor_id, e.details.reason])).toEqual([
      [OUTSIDER, 'not_requester'],
      [APPROVER_A, 'not_requester'],
    ]);
    expect(audit.filter((e) => e.type === 'grant.shown').map((e) => e.actor_id)).toEqual([REQUESTER]);
    expect(JSON.stringify(audit)).not.toContain(token);

    // Once revoked, the same button says so instead.
    const card0 = await waitForCard(t, id);
    const revokeAt = Date.now();
    await pressRevoke(REQUESTER, id, card0.ts);
    await submitRevoke(REQUESTER, await revokeModalFor(id, revokeAt), 'Not needed after all');
    const againAt = Date.now();
    await press(REQUESTER, dm.channel);
    const ended = JSON.stringify(await grantModal(againAt));
    expect(ended).not.toContain(token);
    expect(ended).toContain('There is no grant to show');
    expect(ended).toContain(`*Access revoked* by <@${REQUESTER}>`);
  });

  it('a service’s request offers no Show grant in the outcome DM', async () => {
    const { id } = await approvedRequest({ resource: 'prod/api-no-show' });
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('prod/api-no-show') && m.includes('Approved')));
    const outcome = t.slack
      .callsOf('chat.postMessage')
      .find((c) => String(c.args.text).includes('prod/api-no-show') && String(c.args.text).includes('Approved'));
    expect(outcome?.args.blocks).toBeUndefined();
    expect((await get(id)).source).toBe('api');
  });

  it('a grant that lapses unused: the card, its thread and the requester say so', async () => {
    const { id, card: approved } = await approvedRequest({ resource: 'prod/lapses' });
    // The window ends now (rather than waiting it out); the lapse timer's use case settles it.
    await query(
      t.database.url,
      "UPDATE approval_requests SET grant_expires_at = date_trunc('second', now()) - interval '1 second' WHERE id = $1",
      [id],
    );
    expect((await lapseIfDue(t.app.deps, id))?.status).toBe('lapsed');
    const lapsed = await eventually(() => (grantButtonsOf(card(id)).length === 0 ? card(id) : undefined));
    expect(text(lapsed)).toContain('*Access lapsed unused* <!date^');
    await eventually(() => threadOf(approved.ts).length === 2);
    expect(threadOf(approved.ts)[1]).toContain('*Access lapsed unused*');
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('prod/lapses') && m.includes('lapsed unused')));
  });

  it('re-sends a lost grant-end notice once from the reconciler, and never the decision again', async () => {
    const { id, card: approved } = await approvedRequest({ resource: 'prod/lost-notice' });
    await eventually(() => threadOf(approved.ts).length === 1);
    await waitForQueueIdle(notify());
    await notify().pause();
    const pressedAt = Date.now();
    await pressRevoke(APPROVER_A, id, approved.ts);
    await submitRevoke(APPROVER_A, await revokeModalFor(id, pressedAt), 'Lost in a flush');
    expect((await get(id)).status).toBe('revoked');
    await notify().obliterate({ force: true }); // the queued follow-up (card, thread reply, DM) is gone
    await notify().resume();
    await query(
      t.database.url,
      "UPDATE approval_requests SET grant_ended_at = grant_ended_at - interval '2 minutes' WHERE id = $1",
      [id],
    );
    const dms = () => dmsTo(t, REQUESTER).filter((m) => m.includes('prod/lost-notice') && !m.includes('in your name'));
    expect(threadOf(approved.ts)).toHaveLength(1);
    expect(dms()).toHaveLength(1);

    expect((await reconcileNow(t.app.deps)).renotified).toBeGreaterThanOrEqual(2);
    await waitForQueueIdle(notify());
    expect(threadOf(approved.ts)).toHaveLength(2);
    expect(threadOf(approved.ts)[1]).toContain('Lost in a flush');
    expect(dms()).toHaveLength(2);
    expect(dms()[1]).toContain('was revoked');

    // Sent and recorded: another pass sends nothing for it again.
    await reconcileNow(t.app.deps);
    await waitForQueueIdle(notify());
    expect(threadOf(approved.ts)).toHaveLength(2);
    expect(dms()).toHaveLength(2);
  });
});
