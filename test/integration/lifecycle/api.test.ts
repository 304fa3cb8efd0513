import { describe, expect, it } from 'vitest';
import { query } from '../../support/database.ts';
import {
  APPROVER_A,
  type ApiRequest,
  api,
  buttonsOf,
  cardOf,
  click,
  createViaApi,
  eventually,
  OTHER_KEY,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
  waitForCard,
} from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

type ErrorBody = { error: { code: string; message: string; fields?: Array<{ path: string; message: string }> } };

describe('service API', () => {
  // A proxy on loopback names each client (audits refused keys per address, from an address of its own).
  const t = useTestApp({ TRUST_PROXY: 'loopback' }, { start: startLifecycleApp });

  const count = async (table: string) =>
    Number((await query<{ n: string }>(t.database.url, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

  describe('bad input gets a clear error and writes nothing', () => {
    const cases: Array<{
      name: string;
      init: Parameters<typeof api>[3];
      status: number;
      code: string;
      fields?: string[];
    }> = [
      { name: 'no API key', init: { body: VALID_BODY, key: null }, status: 401, code: 'unauthorized' },
      { name: 'unknown API key', init: { body: VALID_BODY, key: 'x'.repeat(40) }, status: 401, code: 'unauthorized' },
      {
        name: 'not JSON',
        init: { rawBody: 'action=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'malformed JSON',
        init: { rawBody: '{"action":', headers: { 'content-type': 'application/json' } },
        status: 400,
        code: 'bad_request',
      },
      {
        name: 'empty object',
        init: { body: {} },
        status: 400,
        code: 'validation_failed',
        fields: ['action', 'resource', 'reason', 'requester'],
      },
      {
        name: 'wrong types and values',
        init: {
          body: {
            ...VALID_BODY,
            action: 'drop table; --',
            risk: 'apocalyptic',
            ttlSeconds: 10 ** 9,
            context: { nested: { no: 1 } },
            callbackUrl: 'ftp://example.com',
          },
        },
        status: 400,
        code: 'validation_failed',
        fields: ['action', 'risk', 'ttlSeconds', 'context.nested', 'callbackUrl'],
      },
      {
        name: 'both requester forms',
        init: { body: { ...VALID_BODY, requester: { slackUserId: REQUESTER, email: 'rita@example.com' } } },
        status: 400,
        code: 'validation_failed',
        fields: ['requester'],
      },
      {
        name: 'an unknown field',
        init: { body: { ...VALID_BODY, approver: 'me' } },
        status: 400,
        code: 'validation_failed',
        fields: ['approver'],
      },
      {
        name: 'a body over 64 KB',
        init: { body: { ...VALID_BODY, reason: 'r'.repeat(70 * 1024) } },
        status: 413,
        code: 'payload_too_large',
      },
      {
        name: 'an unknown Slack user',
        init: { body: { ...VALID_BODY, requester: { slackUserId: 'U0NOBODY99' } } },
        status: 422,
        code: 'unprocessable',
        fields: ['requester.slackUserId'],
      },
      {
        name: 'an unknown e-mail',
        init: { body: { ...VALID_BODY, requester: { email: 'nobody@example.com' } } },
        status: 422,
        code: 'unprocessable',
        fields: ['requester.email'],
      },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status} ${c.code}`, async () => {
        const before = await count('approval_requests');
        const res = await api<ErrorBody>(t, 'POST', '/requests', c.init);
        expect(res.status).toBe(c.status);
        expect(res.body.error.code).toBe(c.code);
        expect(res.body.error.message.length).toBeGreaterThan(5);
        if (c.fields) expect(res.body.error.fields?.map((f) => f.path).sort()).toEqual([...c.fields].sort());
        expect(await count('approval_requests')).toBe(before);
      });
    }

    it('audits refused API keys', async () => {
      // Refusals are audited once a minute per address: this one comes from an address of its own.
      await api(t, 'POST', '/requests', {
        body: VALID_BODY,
        key: 'stolen-or-guessed-key-000000000',
        headers: { 'x-forwarded-for': '198.51.100.77' },
      });
      const rows = await query<{ details: { reason: string; path: string } }>(
        t.database.url,
        "SELECT details FROM audit_events WHERE type = 'auth.refused' ORDER BY id DESC LIMIT 1",
      );
      expect(rows[0]?.details).toMatchObject({ reason: 'unknown_or_revoked_key', path: '/requests' });
    });

    it('GET with a bad wait or an unknown id', async () => {
      expect((await api<ErrorBody>(t, 'GET', '/requests/not-an-id')).status).toBe(404);
      expect((await api<ErrorBody>(t, 'GET', `/requests/${crypto.randomUUID()}`)).status).toBe(404);
      const request = await createViaApi(t);
      const bad = await api<ErrorBody>(t, 'GET', `/requests/${request.id}?wait=61`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields?.[0]?.path).toBe('wait');
    });
  });

  describe('idempotency', () => {
    it('the same key and body return the original request without creating another', async () => {
      const before = await count('approval_requests');
      const headers = { 'idempotency-key': `deploy-${crypto.randomUUID()}` };
      const first = await api<ApiRequest>(t, 'POST', '/requests', { body: VALID_BODY, headers });
      const again = await api<ApiRequest>(t, 'POST', '/requests', { body: { ...VALID_BODY }, headers });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await count('approval_requests')).toBe(before + 1);
    });

    it('the same key with a different body is a 409 that writes nothing', async () => {
      const headers = { 'idempotency-key': `deploy-${crypto.randomUUID()}` };
      await api(t, 'POST', '/requests', { body: VALID_BODY, headers });
      const before = await count('approval_requests');
      const other = await api<ErrorBody>(t, 'POST', '/requests', {
        body: { ...VALID_BODY, resource: 'prod/orders' },
        headers,
      });
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('conflict');
      expect(await count('approval_requests')).toBe(before);
    });

    it('concurrent retries with one key create one request', async () => {
      const before = await count('approval_requests');
      const headers = { 'idempotency-key': `burst-${crypto.randomUUID()}` };
      const results = await Promise.all(
        Array.from({ length: 8 }, () => api<ApiRequest>(t, 'POST', '/requests', { body: VALID_BODY, headers })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await count('approval_requests')).toBe(before + 1);
    });

    it('keys belong to one client: another client may reuse the same key', async () => {
      const headers = { 'idempotency-key': `shared-${crypto.randomUUID()}` };
      const mine = await api<ApiRequest>(t, 'POST', '/requests', { body: VALID_BODY, headers });
      const theirs = await api<ApiRequest>(t, 'POST', '/requests', { body: VALID_BODY, headers, key: OTHER_KEY });
      expect(theirs.status).toBe(201);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });
  });

  describe('reading and cancelling', () => {
    it('a client sees only its own requests', async () => {
      const request = await createViaApi(t);
      expect((await api(t, 'GET', `/requests/${request.id}`, { key: OTHER_KEY })).status).toBe(404);
      expect((await api(t, 'POST', `/requests/${request.id}/cancel`, { key: OTHER_KEY })).status).toBe(404);
    });

    it('long-polls until the decision and returns at once when it lands', async () => {
      const request = await createViaApi(t);
      await waitForCard(t, request.id);
      const started = Date.now();
      const waiting = api<ApiRequest>(t, 'GET', `/requests/${request.id}?wait=20`);
      // A head start for the poll, not a wait before asserting that nothing happened: the app shows no
      // sign that a poll is subscribed, and a poll that starts late still answers 'approved' (just sooner).
      await new Promise((resolve) => setTimeout(resolve, 300));
      await click(t, APPROVER_A, 'approve_request', request.id);
      const res = await waiting;
      expect(res.body.status).toBe('approved');
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('long-poll gives up after wait seconds and answers pending', async () => {
      const request = await createViaApi(t);
      const started = Date.now();
      const res = await api<ApiRequest>(t, 'GET', `/requests/${request.id}?wait=1`);
      expect(res.body.status).toBe('pending');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    it('the creating service cancels a pending request; the card says so; a second cancel is a 409', async () => {
      const request = await createViaApi(t);
      await waitForCard(t, request.id);
      const res = await api<ApiRequest>(t, 'POST', `/requests/${request.id}/cancel`, {
        body: { reason: 'deploy aborted' },
      });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      const card = await eventually(() => {
        const current = cardOf(t, request.id);
        return current && buttonsOf(current).length === 0 ? current : undefined;
      });
      expect(JSON.stringify(card.blocks)).toContain('Cancelled');
      const again = await api<ErrorBody>(t, 'POST', `/requests/${request.id}/cancel`);
      expect(again.status).toBe(409);
    });
  });

  it('records when an API key was last used, at most once a minute', async () => {
    await createViaApi(t);
    const first = await t.app.db.apiClient.findUniqueOrThrow({ where: { name: 'ci' }, select: { lastUsedAt: true } });
    expect(first.lastUsedAt).not.toBeNull();
    await createViaApi(t);
    const second = await t.app.db.apiClient.findUniqueOrThrow({ where: { name: 'ci' }, select: { lastUsedAt: true } });
    expect(second.lastUsedAt).toEqual(first.lastUsedAt);
  });
});
