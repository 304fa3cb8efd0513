import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../support/use-test-app.ts';

describe('health and readiness', () => {
  const t = useTestApp();

  it('called auth.test at startup with the bot token', () => {
    const call = t.slack.callsOf('auth.test')[0];
    expect(call?.token).toBe(t.slack.botToken);
    expect(call?.response.ok).toBe(true);
  });

  it('GET /healthz answers 200', async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when PostgreSQL and Redis answer', async () => {
    const res = await fetch(`${t.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up' } });
  });

  it('unknown routes get a JSON 404 with a stable code', async () => {
    const res = await fetch(`${t.baseUrl}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('not_found');
  });
});
