import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../support/database.ts';
import type { TestApp } from '../../support/harness.ts';
import { API_KEY, type ApiRequest, api, createViaApi, startLifecycleApp, VALID_BODY } from '../../support/lifecycle.ts';

type ErrorBody = { error: { code: string; message: string; fields?: Array<{ path: string; message: string }> } };

const NOT_STORABLE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

describe('hostile input gets a clear 4xx and changes nothing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startLifecycleApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async () =>
    Number((await query<{ n: string }>(t.database.url, 'SELECT count(*) AS n FROM approval_requests'))[0]?.n);

  /** POSTs raw bytes to /requests with the ci key. */
  const post = async (body: string | Uint8Array, headers: Record<string, string>) => {
    const res = await fetch(`${t.baseUrl}/api/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, ...headers },
      body,
    });
    return { status: res.status, body: (await res.json()) as ErrorBody, headers: res.headers };
  };

  /**
   * Runs `send`, expects `status` and `code`, and checks that no request was created and no card was
   * posted but for requests that exist (earlier tests' cards and replies may still be on their way).
   */
  async function refused(send: () => Promise<{ status: number; body: unknown }>, status: number, code: string) {
    const before = await count();
    const posts = t.slack.callsOf('chat.postMessage').length;
    const res = await send();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect((res.body as ErrorBody).error.code).toBe(code);
    expect(await count()).toBe(before);
    const ids = (await query<{ id: string }>(t.database.url, 'SELECT id FROM approval_requests')).map((r) => r.id);
    const strayCards = t.slack
      .callsOf('chat.postMessage')
      .slice(posts)
      .filter((call) => call.args.thread_ts === undefined && !String(call.args.channel).startsWith('D'))
      .filter((call) => !ids.some((id) => JSON.stringify(call.args.blocks ?? '').includes(id)));
    expect(strayCards).toEqual([]);
    return res.body as ErrorBody;
  }

  describe('text PostgreSQL cannot store', () => {
    const fields: Array<[string, (bad: string) => Record<string, unknown>]> = [
      ['action', (bad) => ({ action: `db.${bad}` })],
      ['resource', (bad) => ({ resource: `prod/${bad}` })],
      ['reason', (bad) => ({ reason: `because ${bad}` })],
      ['environment', (bad) => ({ environment: bad })],
      ['requester.email', (bad) => ({ requester: { email: `rita${bad}@example.com` } })],
      ['callbackUrl', (bad) => ({ callbackUrl: `https://example.com/${bad}` })],
      ['context.ticket', (bad) => ({ context: { ticket: bad } })],
    ];
    for (const [path, change] of fields) {
      for (const [what, bad] of [
        ['NUL', 'a\u0000b'],
        ['a lone surrogate', 'a\uD800b'],
      ] as const) {
        it(`${what} in ${path} → 400 naming the field`, async () => {
          const body = await refused(
            () => api(t, 'POST', '/requests', { body: { ...VALID_BODY, ...change(bad) } }),
            400,
            'validation_failed',
          );
          expect(body.error.fields).toContainEqual({ path, message: NOT_STORABLE });
        });
      }
    }

    it('in a context key → 400 naming the key', async () => {
      const raw = JSON.stringify({ ...VALID_BODY, context: { 'k\u0000': 1, '\uDC00': 'x' } });
      const body = await refused(() => post(raw, { 'content-type': 'application/json' }), 400, 'validation_failed');
      expect(body.error.fields?.map((f) => f.message)).toEqual([`key ${NOT_STORABLE}`, `key ${NOT_STORABLE}`]);
      expect(body.error.fields?.map((f) => f.path)).toEqual(['context.k\u0000', 'context.\uDC00']);
    });

    for (const key of ['__proto__', 'constructor', 'prototype']) {
      it(`a context key ${key} is refused by name, not dropped`, async () => {
        const raw = `{${JSON.stringify(VALID_BODY).slice(1, -2)},"${key}":"x"}}`;
        expect(JSON.parse(raw).context).toHaveProperty(key);
        const body = await refused(() => post(raw, { 'content-type': 'application/json' }), 400, 'validation_failed');
        expect(body.error.fields).toEqual([
          { path: `context.${key}`, message: `"${key}" is a reserved name: use another key` },
        ]);
      });
    }

    it('an Idempotency-Key outside visible ASCII → 400', async () => {
      const body = await refused(
        () => api(t, 'POST', '/requests', { body: VALID_BODY, headers: { 'idempotency-key': 'k\u00e9y' } }),
        400,
        'validation_failed',
      );
      expect(body.error.fields?.[0]?.path).toBe('Idempotency-Key');
    });

    it('a cancel reason with NUL → 400, and the request stays pending', async () => {
      const request = await createViaApi(t);
      const res = await api<ErrorBody>(t, 'POST', `/requests/${request.id}/cancel`, { body: { reason: 'oops\u0000' } });
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toEqual([{ path: 'reason', message: NOT_STORABLE }]);
      const notAString = await api<ErrorBody>(t, 'POST', `/requests/${request.id}/cancel`, { body: { reason: 7 } });
      expect(notAString.status).toBe(400);
      expect((await api<ApiRequest>(t, 'GET', `/requests/${request.id}`)).body.status).toBe('pending');
      const ok = await api<ApiRequest>(t, 'POST', `/requests/${request.id}/cancel`, { body: { reason: ' done ' } });
      expect(ok.status).toBe(200);
      expect(ok.body.decision?.reason).toBe('done');
    });
  });

  describe('bodies', () => {
    const json = JSON.stringify(VALID_BODY);

    it('labelled gzip but not gzip → 400 "request body is not valid gzip"', async () => {
      const body = await refused(
        () => post(json, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
        400,
        'bad_request',
      );
      expect(body.error.message).toBe('request body is not valid gzip');
      for (const encoding of ['deflate', 'br']) {
        const res = await refused(
          () => post(json, { 'content-type': 'application/json', 'content-encoding': encoding }),
          400,
          'bad_request',
        );
        expect(res.error.message).toBe(`request body is not valid ${encoding}`);
      }
    });

    it('an unknown content encoding → 415 naming it', async () => {
      const body = await refused(
        () => post(json, { 'content-type': 'application/json', 'content-encoding': 'compress' }),
        415,
        'unsupported_media_type',
      );
      expect(body.error.message).toMatch(/"compress"/);
    });

    it('real gzip is accepted', async () => {
      const res = await post(gzipSync(json), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect(res.status).toBe(201);
    });

    it('malformed JSON → 400, too large → 413, a charset other than UTF → 415', async () => {
      await refused(() => post('{"action":', { 'content-type': 'application/json' }), 400, 'bad_request');
      await refused(
        () =>
          post(JSON.stringify({ ...VALID_BODY, reason: 'r'.repeat(70_000) }), { 'content-type': 'application/json' }),
        413,
        'payload_too_large',
      );
      // Compressed small, but over the limit once inflated.
      await refused(
        () =>
          post(gzipSync(JSON.stringify({ ...VALID_BODY, reason: 'r'.repeat(200_000) })), {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
          }),
        413,
        'payload_too_large',
      );
      const charset = await refused(
        () => post(json, { 'content-type': 'application/json; charset=latin1' }),
        415,
        'unsupported_media_type',
      );
      expect(charset.error.message).toMatch(/charset/);
    });
  });

  describe('paths and query parameters', () => {
    it('a 36-character id that is not a UUID → 404', async () => {
      for (const id of [
        'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
        'x'.repeat(36),
        '00000000-0000-0000-0000-00000000000g',
      ]) {
        expect((await api<ErrorBody>(t, 'GET', `/requests/${id}`)).body.error.code).toBe('not_found');
        expect((await api<ErrorBody>(t, 'POST', `/requests/${id}/cancel`)).status).toBe(404);
      }
    });

    it('broken percent-encoding in the path → 400', async () => {
      for (const path of ['/requests/%E0%A4%A', '/requests/%FF', '/requests/%ED%A0%80/cancel', '/requests/%']) {
        const res = await api<ErrorBody>(t, path.endsWith('cancel') ? 'POST' : 'GET', path);
        expect(res.status, path).toBe(400);
        expect(res.body.error.code).toBe('bad_request');
      }
    });

    it('?wait= takes plain decimal seconds 0–60 only, given once', async () => {
      const request = await createViaApi(t);
      for (const wait of ['0x2', '+2', '0b1', '1e1', '%202', '2%20', '-1', '1.5', '', '61', '100']) {
        const res = await api<ErrorBody>(t, 'GET', `/requests/${request.id}?wait=${wait}`);
        expect(res.status, `wait=${wait}`).toBe(400);
        expect(res.body.error.fields?.[0]?.path).toBe('wait');
      }
      const repeated = await api<ErrorBody>(t, 'GET', `/requests/${request.id}?wait=1&wait=2`);
      expect(repeated.status).toBe(400);
      expect(repeated.body.error.fields).toEqual([{ path: 'wait', message: 'must be given once' }]);
      expect((await api(t, 'GET', `/requests/${request.id}?wait=0`)).status).toBe(200);
      expect((await api(t, 'GET', `/requests/${request.id}?wait=00`)).status).toBe(200);
    });
  });
});
