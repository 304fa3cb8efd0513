import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/platform/logger.ts';
import { createApiClient, hashSecret, revokeApiClient } from '../../../src/services/api-keys/api-keys.ts';
import { createKnownApiKeys } from '../../../src/services/api-keys/known-keys.ts';
import { REDIS_URL, type TestApp } from '../../support/harness.ts';
import {
  API_KEY,
  type ApiRequest,
  api,
  eventually,
  OTHER_KEY,
  startLifecycleApp,
  VALID_BODY,
} from '../../support/lifecycle.ts';

const WRONG_KEY = 'stolen-or-guessed-key-0000000000000000';
const ADMIN = { type: 'user', id: 'U0ADMIN001' } as const;

/** `count` calls from this test's address (127.0.0.1) with a wrong key, or none; their statuses. */
async function failFrom(t: TestApp, count: number, key: string | null = WRONG_KEY): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1)
    statuses.push((await api(t, 'GET', `/requests/${crypto.randomUUID()}`, { key })).status);
  return statuses;
}

/** A second instance of `first`'s deployment: its database, Slack double and queue prefix. */
function secondInstance(first: TestApp, env: Record<string, string> = {}): Promise<TestApp> {
  return startLifecycleApp(
    { ...env, QUEUE_PREFIX: first.config.QUEUE_PREFIX },
    { database: first.database, slack: first.slack },
  );
}

describe('a valid key and the per-address failure gate', () => {
  const started: TestApp[] = [];
  const start = async (make: () => Promise<TestApp>) => {
    const t = await make();
    started.push(t);
    return t;
  };
  afterEach(async () => {
    // Later instances first: the first owns the database, the Slack double and the Redis keys.
    for (const t of started.splice(0).reverse()) await t.close();
  });

  it('keeps working from an address that has just failed 25 times; the unknown-key flood stays shut out', async () => {
    const t = await start(() => startLifecycleApp());
    // What was measured: 25 wrong keys, or 20 calls with no key, from 127.0.0.1 → every valid key 429 for 60 s.
    const statuses = await failFrom(t, 25);
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    expect(await failFrom(t, 20, null)).toEqual(Array(20).fill(429));

    const created = await api<ApiRequest>(t, 'POST', '/requests', { body: VALID_BODY });
    expect(created.status).toBe(201);
    expect((await api(t, 'GET', `/requests/${created.body.id}`)).status).toBe(200);
    expect((await api(t, 'GET', `/requests/${crypto.randomUUID()}`, { key: OTHER_KEY })).status).toBe(404);
    // The gate still holds for everything else from that address.
    expect(await failFrom(t, 1)).toEqual([429]);
    expect(await failFrom(t, 1, null)).toEqual([429]);
  });

  it('keeps working after the instance restarts, while the count in Redis still shuts out unknown keys', async () => {
    const first = await start(() => startLifecycleApp());
    expect((await failFrom(first, 25)).slice(20)).toEqual([429, 429, 429, 429, 429]);
    await first.app.close();
    const restarted = await start(() => secondInstance(first));
    expect((await api(restarted, 'POST', '/requests', { body: VALID_BODY })).status).toBe(201);
    expect(await failFrom(restarted, 1)).toEqual([429]);
  });

  it('is still held to its own request budget', async () => {
    const t = await start(() => startLifecycleApp({ RATE_LIMIT_REQUESTS_PER_MINUTE: '3' }));
    const missing = `/requests/${crypto.randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await api(t, 'GET', missing)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
  });

  it('made on one instance passes the gate on another at once; revoked, it is refused as soon as the other is told', async () => {
    const a = await start(() => startLifecycleApp());
    const b = await start(() => secondInstance(a));
    expect((await failFrom(b, 21)).at(-1)).toBe(429);

    const { client, secret } = await createApiClient(a.app.deps, ADMIN, 'late-bot');
    // Told over Redis pub/sub, not by the 10 s refresh: well within 2 s.
    await eventually(
      async () => (await api(b, 'GET', `/requests/${crypto.randomUUID()}`, { key: secret })).status === 404,
      2000,
      'new key past the gate on the other instance',
    );
    expect(b.app.deps.apiKeys.recognises(hashSecret(secret))).toBe(true);

    await revokeApiClient(a.app.deps, ADMIN, client.id);
    // Refused at once where it was revoked: that instance reloaded its keys before answering.
    expect([401, 429]).toContain((await api(a, 'GET', `/requests/${crypto.randomUUID()}`, { key: secret })).status);
    // The other instance holds the keys in memory (no key read per request) and is told over Redis
    // pub/sub: refused there well within 2 s, long before its 10 s refresh.
    await eventually(() => !b.app.deps.apiKeys.recognises(hashSecret(secret)), 2000, 'revoked key forgotten');
    expect([401, 429]).toContain((await api(b, 'GET', `/requests/${crypto.randomUUID()}`, { key: secret })).status);
    // And it no longer skips the gate there: with its address shut out, the revoked key now gets 429.
    expect((await api(b, 'GET', `/requests/${crypto.randomUUID()}`, { key: secret })).status).toBe(429);
    // The configured keys are untouched by all this.
    expect((await api(b, 'GET', `/requests/${crypto.randomUUID()}`, { key: API_KEY })).status).toBe(404);
  });
});

describe('KnownApiKeys without notifications', () => {
  let t: TestApp | undefined;
  const connections: Redis[] = [];
  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.disconnect();
    await t?.close();
    t = undefined;
  });

  /** A copy of the keys of `app`'s database on a channel nobody publishes on: only its refresh tells it. */
  const silentKnownKeys = async (app: TestApp, refreshMs: number) => {
    const publisher = new Redis(REDIS_URL);
    const subscriber = new Redis(REDIS_URL);
    connections.push(publisher, subscriber);
    return createKnownApiKeys({
      db: app.app.db,
      publisher,
      subscriber,
      prefix: `${app.config.QUEUE_PREFIX}:silent`,
      logger: createLogger('silent'),
      refreshMs,
    });
  };

  it('picks up a key written behind its back within its refresh', async () => {
    t = await startLifecycleApp();
    const known = await silentKnownKeys(t, 200);
    try {
      await known.changed();
      expect(known.recognises(hashSecret(API_KEY))).toBe(true);
      const secret = `gl_written-directly-${crypto.randomUUID()}`;
      await t.app.db.apiClient.create({
        data: { name: 'direct', keyHash: hashSecret(secret), keyPrefix: 'gl_w', origin: 'admin' },
      });
      await eventually(() => known.recognises(hashSecret(secret)), 2000, 'refreshed');
      // Its client too: requests with it are authenticated from this copy, with no key read.
      expect(known.clientOf(hashSecret(secret))).toMatchObject({ name: 'direct', scope: 'request' });
      await t.app.db.apiClient.update({ where: { name: 'direct' }, data: { revokedAt: new Date() } });
      await eventually(() => !known.recognises(hashSecret(secret)), 2000, 'refreshed after revoke');
      expect(known.clientOf(hashSecret(secret))).toBeUndefined();
    } finally {
      await known.close();
    }
  });

  it('takes no key from its copy while a reload fails, so a key revoked meanwhile is not accepted from it', async () => {
    t = await startLifecycleApp();
    const app = t;
    const known = await silentKnownKeys(app, 60_000);
    const { client, secret } = await createApiClient(app.app.deps, ADMIN, 'soon-revoked');
    let broken = false;
    const breakTable = async (on: boolean) => {
      // A load that fails at once (the column it selects is gone), as when PostgreSQL refuses it.
      await app.app.db.$executeRawUnsafe(
        on
          ? 'ALTER TABLE api_clients RENAME COLUMN scope TO scope_unreadable'
          : 'ALTER TABLE api_clients RENAME COLUMN scope_unreadable TO scope',
      );
      broken = on;
    };
    try {
      await known.changed();
      expect(known.clientOf(hashSecret(secret))).toMatchObject({ id: client.id });
      // Revoked (as revokeApiClient writes it), and the reload that revocation announces fails.
      await app.app.db.apiClient.update({ where: { id: client.id }, data: { revokedAt: new Date() } });
      await breakTable(true);
      await known.changed();
      expect(known.recognises(hashSecret(secret))).toBe(false);
      expect(known.clientOf(hashSecret(secret))).toBeUndefined();
      // Once a load succeeds again, the copy serves again (without the revoked key).
      await breakTable(false);
      await known.changed();
      expect(known.recognises(hashSecret(API_KEY))).toBe(true);
      expect(known.recognises(hashSecret(secret))).toBe(false);
    } finally {
      if (broken) await breakTable(false);
      await known.close();
    }
  });
});
