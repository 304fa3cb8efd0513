import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { countingFetch } from '../../../src/slack/api-metrics.ts';
import { summarizeInteraction } from '../../../src/slack/interaction-log.ts';

/** A real counter on a registry of its own, and the label sets it counted (each once here). */
function counter() {
  const slackApiCalls = new Counter({
    name: 'slack_api_calls_total',
    help: 'test',
    labelNames: ['method', 'error'] as const,
    registers: [new Registry()],
  });
  const counted = async () => (await slackApiCalls.get()).values.map((v) => ({ ...v.labels, n: v.value }));
  return { slackApiCalls, counted };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

describe('countingFetch', () => {
  it('counts every Slack call by method and error, and hands the answer on unread', async () => {
    const answers = [
      json(200, { ok: true, ts: '1.2' }),
      json(200, { ok: false, error: 'channel_not_found' }),
      json(429, { ok: false, error: 'ratelimited' }),
      new Response('bad gateway', { status: 502 }),
      json(200, { ok: false, error: 'Not A Code <script>' }),
    ];
    const metrics = counter();
    const fetch = countingFetch(metrics, async () => answers.shift() as Response);
    const first = await fetch('http://slack.test/api/chat.postMessage', { method: 'POST' });
    expect(await first.json()).toEqual({ ok: true, ts: '1.2' });
    await fetch('http://slack.test/api/chat.update');
    await fetch(new URL('http://slack.test/api/views.publish'));
    await fetch('http://slack.test/api/users.info');
    await fetch('http://slack.test/upload/v1/abc');
    expect(await metrics.counted()).toEqual([
      { method: 'chat.postMessage', error: 'none', n: 1 },
      { method: 'chat.update', error: 'channel_not_found', n: 1 },
      { method: 'views.publish', error: 'ratelimited', n: 1 },
      { method: 'users.info', error: 'http_502', n: 1 },
      { method: 'other', error: 'other', n: 1 },
    ]);
  });

  it('counts a call that got no answer, and rethrows', async () => {
    const metrics = counter();
    const refused = countingFetch(metrics, async () => {
      throw new TypeError('fetch failed');
    });
    await expect(refused('http://slack.test/api/auth.test')).rejects.toThrow('fetch failed');
    const timedOut = countingFetch(metrics, async () => {
      throw new DOMException('timed out', 'TimeoutError');
    });
    await expect(timedOut('http://slack.test/api/auth.test')).rejects.toThrow('timed out');
    expect(await metrics.counted()).toEqual([
      { method: 'auth.test', error: 'request_failed', n: 1 },
      { method: 'auth.test', error: 'timeout', n: 1 },
    ]);
  });
});

describe('summarizeInteraction', () => {
  it('reads the kind, the routing id and the user — never the values', () => {
    expect(
      summarizeInteraction({
        type: 'view_submission',
        user: { id: 'U0ADMIN001' },
        view: { callback_id: 'api_key_modal', state: { values: { name: { name: { value: 'secret-ish' } } } } },
      }),
    ).toEqual({ type: 'view_submission', id: 'api_key_modal', user: 'U0ADMIN001' });
    expect(summarizeInteraction({ command: '/request-action', user_id: 'U1', text: 'db.drop_table x' })).toEqual({
      type: 'command',
      id: '/request-action',
      user: 'U1',
    });
    expect(summarizeInteraction({ type: 'event_callback', event: { type: 'app_home_opened', user: 'U2' } })).toEqual({
      type: 'event',
      id: 'app_home_opened',
      user: 'U2',
    });
    expect(summarizeInteraction({ type: 'something_new' })).toEqual({ type: 'other', id: null, user: null });
    expect(summarizeInteraction(null)).toEqual({ type: 'other', id: null, user: null });
  });
});
