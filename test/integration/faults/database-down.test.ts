import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/platform/migrate.ts';
import { ADMIN_DATABASE_URL, query } from '../../support/database.ts';
import type { TestApp } from '../../support/harness.ts';
import {
  type ApiRequest,
  api,
  createViaApi,
  eventually,
  startLifecycleApp,
  VALID_BODY,
} from '../../support/lifecycle.ts';

type ErrorBody = { error: { code: string; message: string } };

/**
 * PostgreSQL going away under a running instance: the shared server stays up, but this test's
 * database stops accepting connections and its sessions are terminated. The API must say 503 with
 * Retry-After (retry later), not 500 (a bug), and recover on its own once connections are allowed.
 */
describe('the database becomes unreachable', () => {
  let t: TestApp;
  const allowConnections = (allow: boolean) =>
    query(ADMIN_DATABASE_URL, `ALTER DATABASE ${quoteIdent(t.database.name)} ALLOW_CONNECTIONS ${allow}`);

  beforeAll(async () => {
    t = await startLifecycleApp();
  });
  afterAll(async () => {
    if (t !== undefined) await allowConnections(true);
    await t?.close();
  });

  it('answers 503 unavailable with Retry-After while it is down, and recovers without a restart', async () => {
    const request = await createViaApi(t);

    await allowConnections(false);
    await query(ADMIN_DATABASE_URL, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      t.database.name,
    ]);

    const calls: Array<[string, string, Parameters<typeof api>[3]]> = [
      ['GET', `/requests/${request.id}`, {}],
      ['POST', '/requests', { body: VALID_BODY }],
      ['POST', `/requests/${request.id}/cancel`, {}],
      ['GET', `/requests/${request.id}`, { key: null }], // refusing a key writes an audit event
    ];
    for (const [method, path, init] of calls) {
      const res = await api<ErrorBody>(t, method, path, init);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(res.headers.get('retry-after')).toBe('5');
    }
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { postgres: 'down', redis: 'up' } });

    await allowConnections(true);
    await eventually(async () => (await fetch(`${t.baseUrl}/readyz`)).status === 200, 10_000, 'ready again');
    const after = await api<ApiRequest>(t, 'GET', `/requests/${request.id}`);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('pending');
    expect((await api(t, 'POST', '/requests', { body: VALID_BODY })).status).toBe(201);
  });
});
