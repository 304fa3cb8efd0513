import { describe, expect, it } from 'vitest';
import { createViaApi, eventually, startLifecycleApp } from '../../support/lifecycle.ts';
import { LogCapture } from '../../support/log-capture.ts';
import { APP_TOKEN } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/**
 * An app-level token revoked while the service runs: the Socket Mode client's own reconnect used to
 * reject a promise nobody handled (`invalid_auth` from apps.connections.open), and the process died
 * with a stack trace from inside @slack/socket-mode. Now the refusal is logged naming SLACK_APP_TOKEN,
 * /readyz answers 503 for the socket, and the HTTP API and timers keep running.
 */
describe('Socket Mode: the app token revoked while running', () => {
  const logs = new LogCapture();
  const t = useTestApp(
    { SLACK_APP_TOKEN: APP_TOKEN, LOG_LEVEL: 'info' },
    { start: startLifecycleApp, logDestination: logs.stream, per: 'test' },
  );

  it('logs SLACK_APP_TOKEN, answers /readyz 503 for the socket, and keeps the API and timers running', async () => {
    await t.slack.waitForSocket();
    await eventually(async () => (await fetch(`${t.baseUrl}/readyz`)).status === 200, 10_000, 'ready');
    t.slack.revokeAppToken();

    const refused = await eventually(
      () => logs.lines.find((line) => String(line.msg).includes('Slack refused SLACK_APP_TOKEN (invalid_auth)')),
      15_000,
      'the refusal logged, naming SLACK_APP_TOKEN',
    );
    expect(refused.level).toBe(50);
    expect(logs.raw).not.toContain(APP_TOKEN);
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      checks: { slackSocket: 'not connected' },
      error: { message: 'slack socket not connected' },
    });
    // The HTTP API still takes requests, and their timers still fire: one expires on time.
    const request = await createViaApi(t, { ttlSeconds: 2 });
    await eventually(
      async () =>
        (await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id: request.id } })).status === 'expired',
      10_000,
      'the request expired',
    );
  }, 60_000);

  it('a connection Slack recycles (disconnect, refresh_requested) is opened again at once', async () => {
    const first = await t.slack.waitForSocket();
    const opens = t.slack.callsOf('apps.connections.open').length;
    t.slack.disconnectSockets('refresh_requested');
    await eventually(() => t.slack.sockets.size === 1 && ![...t.slack.sockets].includes(first), 10_000, 'a new socket');
    expect(t.slack.callsOf('apps.connections.open')).toHaveLength(opens + 1);
    await eventually(async () => (await fetch(`${t.baseUrl}/readyz`)).status === 200, 10_000, 'ready again');
  });
});
