import { afterEach, describe, expect, it } from 'vitest';
import { query } from '../../support/database.ts';
import type { TestApp } from '../../support/harness.ts';
import { api, startLifecycleApp } from '../../support/lifecycle.ts';

const WRONG_KEY = 'stolen-or-guessed-key-0000000000000000';

/** The addresses `auth.refused` rows were written for. */
async function refusedAddresses(t: TestApp): Promise<string[]> {
  const rows = await query<{ ip: string }>(
    t.database.url,
    "SELECT details->>'ip' AS ip FROM audit_events WHERE type = 'auth.refused' ORDER BY id",
  );
  return rows.map((row) => row.ip);
}

/** Wrong-key calls, each naming a different client in X-Forwarded-For; their statuses. */
async function rotatingFlood(t: TestApp, count: number, header: (i: number) => string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await api(t, 'GET', `/requests/${crypto.randomUUID()}`, {
      key: WRONG_KEY,
      headers: { 'x-forwarded-for': header(i) },
    });
    statuses.push(res.status);
  }
  return statuses;
}

describe('the client address the limits and the audit trail use', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('is the TCP peer by default: a forged X-Forwarded-For does not escape the failure limit', async () => {
    t = await startLifecycleApp({ RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3' });
    // What was measured: 300 wrong keys with rotating headers → 0 × 429 and an audit row per "address".
    const statuses = await rotatingFlood(t, 30, (i) => `198.51.100.${i + 1}`);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3).every((status) => status === 429)).toBe(true);
    expect(await refusedAddresses(t)).toEqual(['127.0.0.1']);
  });

  it('with TRUST_PROXY=1, is what the one proxy in front saw: the entries a client adds before it are ignored', async () => {
    t = await startLifecycleApp({ RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3', TRUST_PROXY: '1' });
    // The proxy appends the address it saw; whatever the client sent comes before it.
    const statuses = await rotatingFlood(t, 10, (i) => `192.0.2.${i + 1}, 203.0.113.7`);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    // Another client behind the same proxy is another address, with its own failures.
    expect(await rotatingFlood(t, 1, () => '203.0.113.8')).toEqual([401]);
    // Exactly one hop: a client on the proxy's own host is 127.0.0.1, whatever it put before that.
    expect(await rotatingFlood(t, 1, () => '203.0.113.99, 127.0.0.1')).toEqual([401]);
    expect(await refusedAddresses(t)).toEqual(['203.0.113.7', '203.0.113.8', '127.0.0.1']);
  });
});
