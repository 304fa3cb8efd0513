import { describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { cancelRequest } from '../../../src/services/requests/cancel.ts';
import { createRequest } from '../../../src/services/requests/create.ts';
import { query } from '../../support/database.ts';
import type { AppUnderTest } from '../../support/harness.ts';
import {
  api,
  eventually,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

type ErrorBody = { error: { code: string; message: string; fields?: Array<{ path: string; message: string }> } };

const count = async (t: AppUnderTest) =>
  Number((await query<{ n: string }>(t.database.url, 'SELECT count(*) AS n FROM approval_requests'))[0]?.n);

/** Creates a request through the use case, past the API's check: a row as an older release may have stored it. */
async function storedWithCallback(t: AppUnderTest, callbackUrl: string) {
  const client = await t.app.db.apiClient.findUniqueOrThrow({ where: { name: 'ci' } });
  const actor = { type: 'service' as const, id: client.name, clientId: client.id };
  const { request } = await createRequest(
    t.app.deps,
    {
      action: VALID_BODY.action,
      resource: VALID_BODY.resource,
      reason: VALID_BODY.reason,
      requesterSlackId: REQUESTER,
      risk: 'high',
      context: {},
      callbackUrl,
    },
    { actor },
  );
  await cancelRequest(t.app.deps, { requestId: request.id, actor });
  return request.id;
}

const callbackAudit = async (t: AppUnderTest, requestId: string) =>
  (
    await t.app.db.auditEvent.findMany({
      where: { requestId, type: { startsWith: 'callback.' } },
      orderBy: { id: 'asc' },
    })
  ).map((event): Record<string, unknown> => ({ type: event.type, ...(event.details as Record<string, unknown>) }));

describe('callback URLs that could reach inside the network', () => {
  const t = useTestApp({ CALLBACK_SIGNING_SECRET: SECRET }, { start: startLifecycleApp });

  const refused: Array<[string, string]> = [
    ['loopback', 'https://127.0.0.1/hook'],
    ['loopback, as a decimal number', 'https://2130706433/hook'],
    ['a private address', 'https://10.1.2.3/hook'],
    ['a private 192.168 address', 'https://192.168.0.10:8443/hook'],
    ['carrier-grade NAT', 'https://100.64.0.1/hook'],
    ['the unspecified address', 'https://0.0.0.0/hook'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['link-local', 'https://169.254.10.10/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hook'],
    ['IPv6 unique-local (EC2 metadata)', 'https://[fd00:ec2::254]/hook'],
    ['IPv6 link-local', 'https://[fe80::1]/hook'],
    ['a name resolving to loopback', 'https://localhost/hook'],
    ['a metadata host name', 'https://metadata.google.internal/computeMetadata/v1/'],
    ['plain http', 'http://example.com/hook'],
  ];
  for (const [what, callbackUrl] of refused) {
    it(`refuses ${what} at create (${callbackUrl}) with a 400 naming callbackUrl, writing nothing`, async () => {
      const before = await count(t);
      const res = await api<ErrorBody>(t, 'POST', '/requests', { body: { ...VALID_BODY, callbackUrl } });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.fields?.map((field) => field.path)).toEqual(['callbackUrl']);
      expect(await count(t)).toBe(before);
    });
  }

  it('checks again at delivery: a stored URL to a blocked address is refused, audited, and not retried', async () => {
    const blocked = await storedWithCallback(t, 'https://127.0.0.1:9/hook');
    const insecure = await storedWithCallback(t, 'http://198.51.100.7/hook');
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.callbacks));
    expect(await callbackAudit(t, blocked)).toMatchObject([
      { type: 'callback.failed', event: 'request.cancelled', reason: 'blocked_address', status: null, final: true },
    ]);
    expect(await callbackAudit(t, insecure)).toMatchObject([
      { type: 'callback.failed', event: 'request.cancelled', reason: 'scheme_not_allowed', final: true },
    ]);
  });
});

describe('callbacks without CALLBACK_SIGNING_SECRET', () => {
  const t = useTestApp({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true' }, { start: startLifecycleApp });

  it('refuses a callbackUrl from a SERVICE_API_KEYS client at create, saying why', async () => {
    const before = await count(t);
    const res = await api<ErrorBody>(t, 'POST', '/requests', {
      body: { ...VALID_BODY, callbackUrl: 'http://127.0.0.1:9/hook' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('CALLBACK_SIGNING_SECRET');
    expect(res.body.error.fields?.map((field) => field.path)).toEqual(['callbackUrl']);
    expect(await count(t)).toBe(before);
  });

  it('skips a stored request’s callback, audited once with the reason', async () => {
    const id = await storedWithCallback(t, 'http://127.0.0.1:9/hook');
    await eventually(async () => (await callbackAudit(t, id)).length > 0);
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.callbacks));
    expect(await callbackAudit(t, id)).toEqual([
      { type: 'callback.skipped', event: 'request.cancelled', reason: 'no_signing_secret' },
    ]);
  });
});
