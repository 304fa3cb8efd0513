import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  APPROVER_B,
  CHANNEL,
  createViaApi,
  dmsTo,
  ephemeralsTo,
  eventually,
  OUTSIDER,
  REQUESTER,
  startLifecycleApp,
} from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = 'U0ADMIN001';
const OUT_OF_DATE_BUTTON = 'This button is out of date';
const OUT_OF_DATE_FORM = 'This form is out of date';
const ABSENT = Symbol('absent');

/** A signed interaction, answered: its status, its time to answer, and its body. */
async function timed(send: () => Promise<Response>): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  const res = await send();
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, text };
}

describe('Slack payloads that are signed but hostile or out of date', () => {
  const t = useTestApp({ ADMIN_USER_IDS: ADMIN }, { start: startLifecycleApp });
  beforeAll(() => {
    t.slack.addUser({ id: ADMIN, name: 'ada', email: 'ada@example.com' });
  });

  /** The fields every interaction carries; `user: ABSENT` leaves the user out. */
  const envelope = (user: unknown = { id: OUTSIDER, team_id: 'T0TEST001' }) => ({
    team: { id: 'T0TEST001', domain: 'greenlight-test' },
    ...(user === ABSENT ? {} : { user }),
    api_app_id: 'A0GREENLT1',
    token: 'deprecated-verification-token',
    trigger_id: '1.trigger',
  });
  const submission = (view: Record<string, unknown>, user?: unknown) => ({
    type: 'view_submission',
    ...envelope(user),
    view: { id: 'V0HOSTILE1', type: 'modal', hash: 'h', ...view },
  });
  const auditOf = (type: string) =>
    query<{ request_id: string | null; actor_id: string | null; details: Record<string, unknown> }>(
      t.database.url,
      'SELECT request_id::text, actor_id, details FROM audit_events WHERE type = $1 ORDER BY id',
      [type],
    );

  it.each([
    ['no state', { callback_id: 'request_action_modal', private_metadata: '{}' }],
    ['state.values null', { callback_id: 'request_action_modal', private_metadata: '{}', state: { values: null } }],
    ['state null', { callback_id: 'rule_modal', private_metadata: '{}', state: null }],
    ['values of the wrong shape', { callback_id: 'deny_reason_modal', state: { values: { reason: 'text' } } }],
  ])('answers a view submission with %s with 200 and tells the user the form is out of date', async (_, view) => {
    const res = await timed(() => t.sender.interaction(submission(view)));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    expect(res.text).toContain(OUT_OF_DATE_FORM);
  });

  it('answers a reason modal whose private_metadata does not parse with an inline error, and decides nothing', async () => {
    const res = await timed(() =>
      t.sender.viewSubmission({
        user_id: APPROVER_A,
        callback_id: 'deny_reason_modal',
        private_metadata: '{"requestId":',
        values: { reason: { reason: { type: 'plain_text_input', value: 'no' } } },
      }),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      response_action: 'errors',
      errors: { reason: expect.stringContaining(OUT_OF_DATE_FORM) },
    });
  });

  it.each([
    ['no user', ABSENT],
    ['a null user', null],
    ['a user without an id', { name: 'x' }],
  ])('acks a button press with %s at once', async (_, user) => {
    const payload = {
      type: 'block_actions',
      ...envelope(user),
      team: null,
      actions: [{ type: 'button', action_id: 'approve_request', block_id: 'b', value: randomUUID() }],
    };
    const res = await timed(() => t.sender.interaction(payload));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
  });

  it('acks a view submission with no view and no user', async () => {
    const res = await timed(() =>
      t.sender.interaction({ type: 'view_submission', team: null, api_app_id: 'A0GREENLT1' }),
    );
    expect(res.status).toBe(200);
  });

  it('acks a button from an older version at once and says it is out of date', async () => {
    const res = await timed(() =>
      t.sender.blockAction({ user_id: APPROVER_B, action_id: 'retired_button_v1', value: 'x', channel_id: CHANNEL }),
    );
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    await eventually(() => ephemeralsTo(t, APPROVER_B).some((m) => m.startsWith(OUT_OF_DATE_BUTTON)));
  });

  it('acks a button press with no actions at once', async () => {
    const payload = { type: 'block_actions', ...envelope(), actions: [] };
    const res = await timed(() => t.sender.interaction(payload));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
  });

  it('answers a modal with an unknown callback id at once with an out-of-date message', async () => {
    const res = await timed(() =>
      t.sender.viewSubmission({ user_id: APPROVER_B, callback_id: 'old_modal_v1', values: {} }),
    );
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    const body = JSON.parse(res.text);
    expect(body.response_action).toBe('update');
    expect(JSON.stringify(body.view)).toContain(OUT_OF_DATE_FORM);
  });

  it('acks an unknown options request, view_closed and shortcut at once', async () => {
    for (const payload of [
      { type: 'block_suggestion', ...envelope(), action_id: 'old_select', block_id: 'b', value: 'x' },
      { type: 'view_closed', ...envelope(), view: { id: 'V1', callback_id: 'old_modal_v1' }, is_cleared: false },
      { type: 'shortcut', ...envelope(), callback_id: 'old_shortcut' },
      { type: 'message_action', ...envelope(), callback_id: 'old_action', channel: { id: CHANNEL } },
    ]) {
      const res = await timed(() => t.sender.interaction(payload));
      expect(res.status, payload.type).toBe(200);
      expect(res.ms, payload.type).toBeLessThan(1000);
      if (payload.type === 'block_suggestion') expect(JSON.parse(res.text)).toEqual({ options: [] });
    }
  });

  it('acks a slash command the app does not know at once', async () => {
    const res = await timed(() => t.sender.slashCommand({ command: '/old-command', user_id: APPROVER_B }));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
  });

  it.each([
    ['an unknown request id', randomUUID()],
    ['a value that is not an id', 'not-a-uuid'],
    ['a NUL in the value', `${randomUUID()}\u0000`],
    ['a lone surrogate and a long value', `\ud800${'x'.repeat(5000)}`],
  ])('audits an Approve on %s as refused and says the request no longer exists', async (_, value) => {
    const user = `U0CLICK${Math.floor(Math.random() * 1e6)}`;
    t.slack.addUser({ id: user, name: user.toLowerCase(), email: `${user}@example.com` });
    const res = await t.sender.blockAction({ user_id: user, action_id: 'approve_request', value, channel_id: CHANNEL });
    expect(res.status).toBe(200);
    await eventually(() => ephemeralsTo(t, user).includes('This request no longer exists.'));
    const refusal = await eventually(async () => (await auditOf('decision.refused')).find((e) => e.actor_id === user));
    expect(refusal.request_id).toBeNull();
    expect(refusal.details).toMatchObject({ decision: 'approve', reason: 'unknown_request' });
    const recorded = String(refusal.details.requestId);
    expect(recorded.includes('\u0000')).toBe(false);
    expect(encodeURIComponent(recorded)).toBeTruthy(); // throws URIError on a lone surrogate
    expect(recorded.length).toBeLessThanOrEqual(100);
  });

  it('audits a Deny on an unknown request as refused', async () => {
    const value = randomUUID();
    await t.sender.blockAction({ user_id: APPROVER_A, action_id: 'deny_request', value, channel_id: CHANNEL });
    await eventually(async () =>
      (await auditOf('decision.refused')).some(
        (e) => e.details.requestId === value && e.details.decision === 'deny' && e.details.reason === 'unknown_request',
      ),
    );
  });

  it('audits an admin button pressed by a non-admin even with a NUL in its value', async () => {
    await t.sender.blockAction({
      user_id: OUTSIDER,
      action_id: 'home_rule_delete',
      value: 'rule\u0000id',
      view: { id: 'VHOME', type: 'home', private_metadata: '{}' },
    });
    const refusal = await eventually(async () =>
      (await auditOf('admin.refused')).find(
        (e) => e.actor_id === OUTSIDER && e.details.attempted === 'home_rule_delete',
      ),
    );
    expect(refusal.details.value).toBe('ruleid');
  });

  it("audits a Cancel from App Home on someone else's request and leaves it pending", async () => {
    const request = await createViaApi(t, { requester: { slackUserId: REQUESTER }, resource: 'prod/not-yours' });
    const res = await t.sender.blockAction({
      user_id: APPROVER_B,
      action_id: 'home_cancel_request',
      value: request.id,
      view: { id: 'VHOME', type: 'home', private_metadata: '{}' },
    });
    expect(res.status).toBe(200);
    await eventually(() => dmsTo(t, APPROVER_B).some((m) => m.startsWith('Not cancelled')));
    const [refusal] = await query<{ actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      "SELECT actor_id, details FROM audit_events WHERE request_id = $1 AND type = 'cancel.refused'",
      [request.id],
    );
    expect(refusal).toMatchObject({ actor_id: APPROVER_B, details: { reason: 'not_owner' } });
    const [row] = await query<{ status: string }>(
      t.database.url,
      'SELECT status FROM approval_requests WHERE id = $1',
      [request.id],
    );
    expect(row?.status).toBe('pending');
  });
});
