import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_DEGRADED } from '../../../src/http/health.ts';
import type { TestApp } from '../../support/harness.ts';
import { api, createViaApi, eventually, startLifecycleApp } from '../../support/lifecycle.ts';
import { PrivateRedis } from '../../support/private-redis.ts';

/**
 * Readiness through a Redis outage: an instance that serves HTTP keeps taking requests without Redis
 * (PostgreSQL is the record), so /readyz stays 200 and says it is degraded, rather than a readiness
 * probe taking every web pod out of the Service; a worker, which cannot work without Redis, is 503.
 */
describe('/readyz while Redis is down', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await redis?.close();
    t = undefined;
    redis = undefined;
  });

  const readyz = async (app: TestApp) => {
    const res = await fetch(`${app.baseUrl}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('an instance serving HTTP answers 200 degraded, naming Redis, while its API keeps working; ready again after', async () => {
    redis = await PrivateRedis.start();
    t = await startLifecycleApp({ REDIS_URL: redis.url });
    const app = t;
    expect(await readyz(app)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'up', redis: 'up' } },
    });

    await redis.stop();
    const during = await eventually(async () => {
      const answer = await readyz(app);
      return (answer.body.checks as { redis: string }).redis === 'down' ? answer : undefined;
    });
    expect(during).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        checks: { postgres: 'up', redis: 'down' },
        warning: { code: 'degraded', message: REDIS_DEGRADED },
      },
    });
    // What the 200 promises: the API still takes and answers requests.
    const made = await createViaApi(app, { ttlSeconds: 600 });
    expect((await api(app, 'GET', `/requests/${made.id}`)).status).toBe(200);

    await redis.resume();
    await eventually(async () => (await readyz(app)).body.status === 'ready', 15_000, 'ready again');
    // An outage and a recovery: more than the default 30 s on a loaded machine.
  }, 90_000);

  it('a worker (ROLE=worker) answers 503 naming Redis: it cannot work without it', async () => {
    redis = await PrivateRedis.start();
    t = await startLifecycleApp({ REDIS_URL: redis.url, ROLE: 'worker' });
    const app = t;
    expect((await readyz(app)).status).toBe(200);
    await redis.stop();
    const during = await eventually(async () => {
      const answer = await readyz(app);
      return answer.status === 503 ? answer : undefined;
    });
    expect(during.body).toEqual({
      status: 'unavailable',
      checks: { postgres: 'up', redis: 'down' },
      error: { code: 'not_ready', message: 'redis is down' },
    });
    await redis.resume();
  }, 60_000);
});
