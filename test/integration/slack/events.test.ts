import { beforeAll, describe, expect, it } from 'vitest';
import { LogCapture } from '../../support/log-capture.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = 'U0ADMIN001';
const MEMBER = 'U0MEMBER01';
/** Opens Home after a refused request: once its view is published, the app has handled what came before. */
const MARKER = 'U0MARKER01';

describe('Slack events over HTTP', () => {
  const logs = new LogCapture();
  const t = useTestApp({ ADMIN_USER_IDS: ADMIN, LOG_LEVEL: 'info' }, { logDestination: logs.stream });
  beforeAll(() => {
    t.slack.addUser({ id: ADMIN, name: 'ada', email: 'ada@example.com' });
    t.slack.addUser({ id: MEMBER, name: 'max', email: 'max@example.com' });
    t.slack.addUser({ id: MARKER, name: 'mark', email: 'mark@example.com' });
  });

  /** Sends a signed event and waits for the app to answer it, so any work of an earlier request has started. */
  async function afterNextHandledEvent(): Promise<void> {
    const marker = `D0MARK${Date.now()}`;
    expect((await t.sender.event({ type: 'app_home_opened', user: MARKER, channel: marker, tab: 'home' })).status).toBe(
      200,
    );
    await t.slack.waitForCall('views.publish', (c) => c.args.user_id === MARKER);
  }
  /** Slack calls made since `before` other than the marker's own. */
  const callsBesidesMarker = (before: number) =>
    t.slack.calls.slice(before).filter((c) => !(c.method === 'views.publish' && c.args.user_id === MARKER));

  it('publishes a welcome Home view on app_home_opened', async () => {
    const res = await t.sender.event({ type: 'app_home_opened', user: MEMBER, channel: 'D0HOME0001', tab: 'home' });
    expect(res.status).toBe(200);
    const call = await t.slack.waitForCall('views.publish', (c) => c.args.user_id === MEMBER);
    expect(call.response.ok).toBe(true);
    const text = JSON.stringify(call.args.view);
    expect(text).toContain('Welcome');
    expect(text).toContain('/request-action');
    expect(text).not.toContain('Routing rules');
    expect(text).not.toContain('API keys');
  });

  it('tells admins they are admins', async () => {
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, channel: 'D0HOME0002', tab: 'home' });
    const call = await t.slack.waitForCall('views.publish', (c) => c.args.user_id === ADMIN);
    expect(JSON.stringify(call.args.view)).toContain('Routing rules');
  });

  it('answers a bad signature with 401 and does nothing', async () => {
    const before = t.slack.calls.length;
    const res = await t.sender.event(
      { type: 'app_home_opened', user: MEMBER, channel: 'D0HOME0001', tab: 'home' },
      { signature: `v0=${'0'.repeat(64)}` },
    );
    expect(res.status).toBe(401);
    await afterNextHandledEvent();
    expect(callsBesidesMarker(before)).toEqual([]);
  });

  it('answers a stale signature (older than five minutes) with 401 and does nothing', async () => {
    const before = t.slack.calls.length;
    const res = await t.sender.event(
      { type: 'app_home_opened', user: MEMBER, channel: 'D0HOME0001', tab: 'home' },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(res.status).toBe(401);
    await afterNextHandledEvent();
    expect(callsBesidesMarker(before)).toEqual([]);
  });

  it('refuses a timestamp more than five minutes from now either way (401), and accepts one within', async () => {
    const now = Math.floor(Date.now() / 1000);
    const before = t.slack.calls.length;
    for (const skew of [10 * 60, -10 * 60, 5 * 60 + 30]) {
      const res = await t.sender.event(
        { type: 'app_home_opened', user: MEMBER, channel: 'D0HOME0001', tab: 'home' },
        { timestamp: now + skew },
      );
      expect(res.status, `${skew} s`).toBe(401);
    }
    await afterNextHandledEvent();
    expect(callsBesidesMarker(before)).toEqual([]);
    expect(logs.withMessage('slack request refused: timestamp ahead of now by more than five minutes')).toHaveLength(2);

    for (const [skew, user] of [
      [4 * 60, ADMIN],
      [-4 * 60, MEMBER],
    ] as const) {
      const res = await t.sender.event(
        { type: 'app_home_opened', user, channel: `D0WIN${skew}`, tab: 'home' },
        { timestamp: now + skew },
      );
      expect(res.status, `${skew} s`).toBe(200);
    }
  });

  it('answers Slack url_verification with the challenge', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'challenge-abc', type: 'url_verification' });
    const res = await t.sender.post(body, 'application/json');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('challenge-abc');
  });
});
