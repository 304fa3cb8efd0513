import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/services/audit/audit.ts';
import { query } from '../../support/database.ts';
import { REDIS_URL, type TestApp } from '../../support/harness.ts';
import {
  API_KEY,
  type ApiRequest,
  api,
  createViaApi,
  eventually,
  OTHER_KEY,
  startLifecycleApp,
  VALID_BODY,
} from '../../support/lifecycle.ts';
import { PrivateRedis } from '../../support/private-redis.ts';

type ErrorBody = { error: { code: string; message: string } };
type RefusalRow = {
  details: {
    ip: string;
    path: string;
    reason: string;
    previousWindow: { openedAt: string | null; refused: number; rateLimited: number } | null;
  };
};

const WRONG_KEY = 'stolen-or-guessed-key-0000000000000000';
/** These tests stand in for many clients by naming their address in X-Forwarded-For, as a proxy on loopback would. */
const LOOPBACK_PROXY = { TRUST_PROXY: 'loopback' };

/** Every key of `url`'s Redis under `prefix`. */
async function keysUnder(url: string, prefix: string): Promise<string[]> {
  const redis = new Redis(url);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

/** Deletes everything under the test app's prefix, and checks that nothing is left. */
async function removeKeysUnder(url: string, prefix: string): Promise<void> {
  const keys = await keysUnder(url, prefix);
  if (keys.length > 0) {
    const redis = new Redis(url);
    try {
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }
  expect(await keysUnder(url, prefix)).toEqual([]);
}

function refusalsFrom(t: TestApp, ip: string): Promise<RefusalRow[]> {
  return query<RefusalRow>(
    t.database.url,
    "SELECT details FROM audit_events WHERE type = 'auth.refused' AND details->>'ip' = $1 ORDER BY id",
    [ip],
  );
}

function expectRetryAfter(res: { status: number; headers: Headers; body: unknown }, max: number): void {
  expect(res.status).toBe(429);
  expect((res.body as ErrorBody).error.code).toBe('rate_limited');
  const seconds = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(max);
}

describe('an unauthenticated flood', () => {
  let t: TestApp;
  let skewMs = 0;
  beforeAll(async () => {
    t = await startLifecycleApp(LOOPBACK_PROXY, { now: () => new Date(Date.now() + skewMs) });
  });
  afterAll(async () => {
    await t?.close();
    if (t !== undefined) await removeKeysUnder(REDIS_URL, t.config.QUEUE_PREFIX);
  });

  it('is answered 429 after the limit, writes one audit row, and leaves a valid client alone', async () => {
    const ip = '203.0.113.9';
    // What was measured: a ~9 KB path on every request.
    const path = `/requests/${'a'.repeat(9000)}`;
    const workers = 10;
    const flood = Array.from({ length: workers }, async () => {
      const answers: Array<Awaited<ReturnType<typeof api>>> = [];
      for (let i = 0; i < 200 / workers; i += 1) {
        answers.push(await api(t, 'GET', path, { key: WRONG_KEY, headers: { 'x-forwarded-for': ip } }));
      }
      return answers;
    });
    const legitimate = Array.from({ length: 5 }, () =>
      api<ApiRequest>(t, 'POST', '/requests', { body: VALID_BODY, key: API_KEY }),
    );
    const answers = (await Promise.all(flood)).flat();
    expect((await Promise.all(legitimate)).map((res) => res.status)).toEqual([201, 201, 201, 201, 201]);

    const refused = answers.filter((res) => res.status === 401);
    const limited = answers.filter((res) => res.status === 429);
    expect(refused.length + limited.length).toBe(200);
    // 20 failures are allowed; requests already past the gate when the 21st failed may still be looked up.
    expect(refused.length).toBeGreaterThanOrEqual(20);
    expect(refused.length).toBeLessThan(20 + workers);
    for (const res of limited) expectRetryAfter(res, 60);

    const rows = await refusalsFrom(t, ip);
    expect(rows).toHaveLength(1);
    const [row] = rows as [RefusalRow];
    expect(row.details).toMatchObject({ reason: 'unknown_or_revoked_key', previousWindow: null });
    expect(row.details.path.length).toBeLessThanOrEqual(201);
    expect(JSON.stringify(row.details)).not.toContain(WRONG_KEY);

    // The address is shut out for a minute before any key lookup, but a valid key is never refused for it.
    expectRetryAfter(
      await api(t, 'GET', `/requests/${crypto.randomUUID()}`, { key: WRONG_KEY, headers: { 'x-forwarded-for': ip } }),
      60,
    );
    expect(
      (await api(t, 'GET', `/requests/${crypto.randomUUID()}`, { headers: { 'x-forwarded-for': ip } })).status,
    ).toBe(404);

    // A minute later (the block lifted, the clock moved on), the next refusal's row reports the flood.
    const blockKey = `${t.config.QUEUE_PREFIX}:ratelimit:authfail:${ip}`;
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.exists(blockKey)).toBe(1);
      await redis.del(blockKey);
    } finally {
      redis.disconnect();
    }
    skewMs = 61_000;
    // An instance remembers a block for a second (and then hands its count of 429s to the tally).
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await api(t, 'GET', path, { key: WRONG_KEY, headers: { 'x-forwarded-for': ip } })).status).toBe(401);
    const after = await refusalsFrom(t, ip);
    expect(after).toHaveLength(2);
    const window = after[1]?.details.previousWindow;
    // Every refusal is counted: the flood's 200 and the blocked probe with a wrong key.
    expect(window?.refused).toBeGreaterThanOrEqual(21);
    expect(window?.refused).toBeLessThanOrEqual(20 + workers);
    expect((window?.refused ?? 0) + (window?.rateLimited ?? 0)).toBe(201);
    expect(window?.openedAt).not.toBeNull();
  });

  it('keeps the limiter and the tally under the app prefix', async () => {
    const keys = await keysUnder(REDIS_URL, t.config.QUEUE_PREFIX);
    expect(keys.some((key) => key.startsWith(`${t.config.QUEUE_PREFIX}:ratelimit:requests:key:`))).toBe(true);
    expect(keys).toContain(`${t.config.QUEUE_PREFIX}:authrefused:203.0.113.9`);
  });

  it('audits a read or cancel of another client’s request on that request, answering 404', async () => {
    const request = await createViaApi(t);
    expect((await api(t, 'GET', `/requests/${request.id}`, { key: OTHER_KEY })).status).toBe(404);
    expect((await api(t, 'POST', `/requests/${request.id}/cancel`, { key: OTHER_KEY })).status).toBe(404);
    const own = await api<ApiRequest>(t, 'GET', `/requests/${request.id}`);
    expect(own.body.status).toBe('pending');
    const refusals = (own.body.audit ?? []).filter((event) => event.type.endsWith('.refused'));
    expect(refusals).toEqual([
      {
        type: 'access.refused',
        actor: { type: 'service', id: 'deploy' },
        details: { operation: 'read', reason: 'not_owner' },
        id: expect.any(String),
        at: expect.any(String),
      },
      {
        type: 'cancel.refused',
        actor: { type: 'service', id: 'deploy' },
        details: { reason: 'not_owner' },
        id: expect.any(String),
        at: expect.any(String),
      },
    ]);
    expect(await verifyAuditChain(t.app.db, request.id)).toBeNull();
  });
});

describe('the per-key budget', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startLifecycleApp({ ...LOOPBACK_PROXY, RATE_LIMIT_REQUESTS_PER_MINUTE: '5' });
  });
  afterAll(async () => {
    await t?.close();
    if (t !== undefined) await removeKeysUnder(REDIS_URL, t.config.QUEUE_PREFIX);
  });

  it('answers a key past its budget 429, and not another key', async () => {
    const missing = `/requests/${crypto.randomUUID()}`;
    for (let i = 0; i < 5; i += 1) expect((await api(t, 'GET', missing)).status).toBe(404);
    expectRetryAfter(await api(t, 'GET', missing), 60);
    // Another address does not help: the budget belongs to the key.
    expectRetryAfter(await api(t, 'GET', missing, { headers: { 'x-forwarded-for': '192.0.2.50' } }), 60);
    expect((await api(t, 'GET', missing, { key: OTHER_KEY })).status).toBe(404);
    const keys = await keysUnder(REDIS_URL, `${t.config.QUEUE_PREFIX}:ratelimit:requests`);
    expect(keys).toHaveLength(2);
  });
});

describe('limits while Redis is down', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await redis?.close();
  });

  it('still authenticates, and still limits in memory', async () => {
    redis = await PrivateRedis.start();
    t = await startLifecycleApp({
      ...LOOPBACK_PROXY,
      REDIS_URL: redis.url,
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3',
    });
    const app = t;
    const request = await createViaApi(app);
    await redis.stop();
    const readiness = async () => ((await (await fetch(`${app.baseUrl}/readyz`)).json()) as { status: string }).status;
    // A web instance stays ready through a Redis outage and says it is degraded.
    await eventually(async () => (await readiness()) === 'degraded', 5000, 'Redis seen as down');

    expect((await api(app, 'GET', `/requests/${request.id}`)).status).toBe(200);
    const ip = '198.51.100.23';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await api(app, 'GET', `/requests/${request.id}`, {
        key: WRONG_KEY,
        headers: { 'x-forwarded-for': ip },
      });
      statuses.push(res.status);
      if (res.status === 429) expectRetryAfter(res, 60);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    // One row for the address, tallied in memory.
    expect(await refusalsFrom(app, ip)).toHaveLength(1);
    // Other addresses and valid keys are not affected.
    expect((await api(app, 'GET', `/requests/${request.id}`)).status).toBe(200);
    // Back to Redis (and so a clean close: the queue workers wait for Redis rather than give up).
    await redis.resume();
    await eventually(async () => (await readiness()) === 'ready', 10_000, 'Redis back');
    expect((await api(app, 'GET', `/requests/${request.id}`)).status).toBe(200);
  });
});
