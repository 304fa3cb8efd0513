import { beforeAll, describe, expect, it } from 'vitest';
import { APP_TOKEN } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const MEMBER = 'U0MEMBER01';

/** With SLACK_APP_TOKEN set, Slack's traffic arrives over a WebSocket instead of HTTP. */
describe('Socket Mode', () => {
  const t = useTestApp({ SLACK_APP_TOKEN: APP_TOKEN });
  beforeAll(() => {
    t.slack.addUser({ id: MEMBER, name: 'max' });
    t.slack.addChannel('C0APPROVAL');
  });

  it('opens a connection with the app token', async () => {
    const call = await t.slack.waitForCall('apps.connections.open');
    expect(call.token).toBe(t.slack.appToken);
    await t.slack.waitForSocket();
  });

  it('acks an event envelope and handles it', async () => {
    const ack = await t.slack.sendEnvelope('events_api', {
      type: 'event_callback',
      team_id: 'T0TEST001',
      api_app_id: 'A0GREENLT1',
      event: { type: 'app_home_opened', user: MEMBER, tab: 'home' },
      authorizations: [{ team_id: 'T0TEST001', user_id: 'UBOT00001', is_bot: true, is_enterprise_install: false }],
    });
    expect(ack).toMatchObject({ envelope_id: expect.any(String) });
    const publish = await t.slack.waitForCall('views.publish', (c) => c.args.user_id === MEMBER);
    expect(publish.response.ok).toBe(true);
  });

  it('acks a slash command envelope and opens the request modal', async () => {
    const trigger = `socket-${Date.now()}`;
    await t.slack.sendEnvelope('slash_commands', {
      command: '/request-action',
      text: 'db.drop_table prod/customers',
      user_id: MEMBER,
      channel_id: 'C0APPROVAL',
      team_id: 'T0TEST001',
      trigger_id: trigger,
      api_app_id: 'A0GREENLT1',
    });
    const opened = await t.slack.waitForCall('views.open', (c) => c.args.trigger_id === trigger);
    expect(JSON.stringify(opened.args.view)).toContain('db.drop_table');
  });

  it('still serves the HTTP API and health endpoints', async () => {
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
  });
});
