import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicUrl } from '../../../src/config/grants.ts';
import { createRequestSchema } from '../../../src/http/api/v1/schemas.ts';
import {
  API_KEY,
  APPROVER_A,
  type ApiRequest,
  api,
  click,
  createViaApi,
  eventually,
  OTHER_KEY,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
} from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

type Json = Record<string, unknown>;

/** An admin-scoped key, for the audit routes. */
const ADMIN_KEY = `audit-${randomBytes(16).toString('hex')}`;

/**
 * Served but deliberately not in the document: platforms' own signed webhook protocols (Slack's
 * events, HCP Terraform's run tasks), called by those platforms, not by services using the API.
 */
const UNDOCUMENTED = new Set([
  'POST /slack/events',
  'POST /integrations/terraform/run-task',
  'POST /integrations/github/webhook',
  // MCP's Streamable HTTP transport: one JSON-RPC endpoint that the MCP specification describes, and
  // its tools describe themselves in tools/list (docs/guides/mcp-server.md).
  'POST /mcp/',
  'GET /mcp/',
  'DELETE /mcp/',
]);

/** The parts of an Express 5 router layer (router 2.x) the route walk reads. */
interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** `/requests/:id` → `/requests/{id}` (OpenAPI's path templates). */
function template(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/** Every `METHOD /path` the Express app routes, walking mounted routers with their mount paths. */
function servedRoutes(stack: RouterLayer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route !== undefined) {
      const path = `${prefix}${String(layer.route.path)}`;
      return Object.keys(layer.route.methods)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${template(path)}`);
    }
    if (layer.handle.stack === undefined) return [];
    if (typeof layer.rawPath !== 'string')
      throw new Error(`a router is mounted at a non-string path: ${layer.rawPath}`);
    return servedRoutes(layer.handle.stack, layer.rawPath === '/' ? prefix : `${prefix}${layer.rawPath}`);
  });
}

/** Every `METHOD /path` the document lists. */
function documentedOperations(doc: Json): string[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** JSON Pointer escaping of one segment (RFC 6901). */
const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

describe('GET /api/v1/openapi.json', () => {
  const t = useTestApp(
    { SERVICE_API_KEYS: `ci:${API_KEY},deploy:${OTHER_KEY},auditor:${ADMIN_KEY}:admin` },
    { start: startLifecycleApp },
  );
  let doc: Json;
  let ajv: Ajv2020;

  beforeAll(async () => {
    // No API key: the document is public.
    const res = await fetch(`${t.baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await res.json()) as Json;
    // The whole document is one schema resource, so each response schema's `#/components/…` refs resolve.
    ajv = new Ajv2020({ allErrors: true, strictSchema: false, allowUnionTypes: true });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'urn:greenlight:openapi');
  });

  /** The compiled schema at a JSON pointer into the document. */
  const schemaAt = (...segments: string[]): ValidateFunction => {
    const at = `urn:greenlight:openapi#/${segments.map(pointer).join('/')}`;
    const validate = ajv.getSchema(at);
    if (validate === undefined) throw new Error(`the document has no schema at ${at}`);
    return validate;
  };

  /** Checks that an answer is documented for its operation and status, and matches that schema. */
  const expectDocumented = (
    method: string,
    path: string,
    res: { status: number; body: unknown; headers: Headers },
    mediaType = 'application/json',
  ) => {
    expect(res.headers.get('content-type')).toContain(mediaType);
    const validate = schemaAt('paths', path, method, 'responses', String(res.status), 'content', mediaType, 'schema');
    expect(validate(res.body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  };

  it('is a valid OpenAPI 3.1 document for this server and version', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: publicUrl(t.config) }]);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Json;
    expect((doc.info as Json).version).toBe(pkg.version);
  });

  it('lists exactly the routes the server answers (except Slack’s /slack/events)', () => {
    const served = servedRoutes((t.app.http.router as unknown as { stack: RouterLayer[] }).stack);
    expect(served).toContain('POST /slack/events');
    expect(new Set(served.filter((route) => !UNDOCUMENTED.has(route)))).toEqual(new Set(documentedOperations(doc)));
  });

  it('every documented operation is answered by its route, not by the unknown-route 404', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const answers = await Promise.all(
      documentedOperations(doc).map(async (operation) => {
        const [method = '', path = ''] = operation.split(' ');
        const res = await fetch(`${t.baseUrl}${path.replace('{id}', id)}`, {
          method,
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        return { operation, status: res.status, text: await res.text() };
      }),
    );
    for (const answer of answers) expect(answer.text, answer.operation).not.toContain('no route for');
    // The probe tells the two apart: an undocumented path is answered by the unknown-route 404.
    const unknown = await api(t, 'GET', '/requests');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('no route for');
  });

  it('documents the request bodies the validators accept and refuse', () => {
    const validator = createRequestSchema(t.config);
    const documented = schemaAt('components', 'schemas', 'CreateRequestBody');
    const bodies: unknown[] = [
      VALID_BODY,
      { ...VALID_BODY, requester: { email: 'rita@example.com' }, ttlSeconds: t.config.MIN_TTL_SECONDS },
      { ...VALID_BODY, reason: undefined },
      { ...VALID_BODY, requester: { slackUserId: REQUESTER, email: 'rita@example.com' } },
      { ...VALID_BODY, requester: {} },
      { ...VALID_BODY, unknown: 1 },
      { ...VALID_BODY, risk: 'extreme' },
      { ...VALID_BODY, action: 'has spaces' },
      { ...VALID_BODY, ttlSeconds: t.config.MAX_TTL_SECONDS + 1 },
      { ...VALID_BODY, context: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
      { ...VALID_BODY, context: { note: 'x'.repeat(2001) } },
      { ...VALID_BODY, context: { nested: { no: true } } },
      { ...VALID_BODY, callbackUrl: 'https://ci.example.com/hooks/greenlight' },
    ];
    for (const body of bodies) {
      const accepted = validator.safeParse(body).success;
      expect(documented(JSON.parse(JSON.stringify(body))), JSON.stringify(body).slice(0, 200)).toBe(accepted);
    }
    expect(schemaAt('components', 'schemas', 'ResultBody')({ exitCode: 0, durationMs: 12 })).toBe(true);
    expect(schemaAt('components', 'schemas', 'ResultBody')({ exitCode: 256, durationMs: 12 })).toBe(false);
  });

  it('describes the real answers of the whole lifecycle, errors included', async () => {
    const created = await api(t, 'POST', '/requests', { body: VALID_BODY, headers: { 'idempotency-key': 'oa-1' } });
    expectDocumented('post', '/api/v1/requests', created);
    const replayed = await api(t, 'POST', '/requests', { body: VALID_BODY, headers: { 'idempotency-key': 'oa-1' } });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expectDocumented('post', '/api/v1/requests', replayed);
    const id = (created.body as ApiRequest).id;

    const pending = await api(t, 'GET', `/requests/${id}`);
    expectDocumented('get', '/api/v1/requests/{id}', pending);

    await click(t, APPROVER_A, 'approve_request', id);
    const approved = await eventually(async () => {
      const res = await api<ApiRequest & { grant: { token: string } | null }>(t, 'GET', `/requests/${id}`);
      return res.body.status === 'approved' ? res : undefined;
    });
    expect(approved.body.grant).not.toBeNull();
    expectDocumented('get', '/api/v1/requests/{id}', approved);
    const token = approved.body.grant?.token ?? '';

    // The callback announces the same request object.
    const { audit: _, ...data } = approved.body;
    const callback = { type: 'request.approved', timestamp: new Date().toISOString(), data };
    const callbackSchema = schemaAt(
      'webhooks',
      'requestChanged',
      'post',
      'requestBody',
      'content',
      'application/json',
      'schema',
    );
    expect(callbackSchema(callback), ajv.errorsText(callbackSchema.errors)).toBe(true);

    const forged = await api(t, 'POST', `/requests/${id}/execute`, { body: { grant: `${token}x` } });
    expect(forged.status).toBe(422);
    expectDocumented('post', '/api/v1/requests/{id}/execute', forged);
    const executed = await api(t, 'POST', `/requests/${id}/execute`, { body: { grant: token } });
    expect(executed.status).toBe(200);
    expectDocumented('post', '/api/v1/requests/{id}/execute', executed);
    const again = await api(t, 'POST', `/requests/${id}/execute`, { body: { grant: token } });
    expect(again.body).toMatchObject({ error: { code: 'already_executed' } });
    expectDocumented('post', '/api/v1/requests/{id}/execute', again);
    const result = await api(t, 'POST', `/requests/${id}/result`, { body: { exitCode: 0, durationMs: 1200 } });
    expect(result.status).toBe(200);
    expectDocumented('post', '/api/v1/requests/{id}/result', result);
    const revokeLate = await api(t, 'POST', `/requests/${id}/revoke`, {});
    expect(revokeLate.status).toBe(409);
    expectDocumented('post', '/api/v1/requests/{id}/revoke', revokeLate);
    expectDocumented('get', '/api/v1/requests/{id}', await api(t, 'GET', `/requests/${id}`));

    const toCancel = await createViaApi(t);
    const cancelled = await api(t, 'POST', `/requests/${toCancel.id}/cancel`, { body: { reason: 'not needed' } });
    expect(cancelled.status).toBe(200);
    expectDocumented('post', '/api/v1/requests/{id}/cancel', cancelled);
    const cancelledAgain = await api(t, 'POST', `/requests/${toCancel.id}/cancel`, {});
    expect(cancelledAgain.status).toBe(409);
    expectDocumented('post', '/api/v1/requests/{id}/cancel', cancelledAgain);

    const toRevoke = await createViaApi(t);
    await click(t, APPROVER_A, 'approve_request', toRevoke.id);
    await eventually(
      async () => (await api<ApiRequest>(t, 'GET', `/requests/${toRevoke.id}`)).body.status === 'approved',
    );
    const revoked = await api(t, 'POST', `/requests/${toRevoke.id}/revoke`, {
      body: { reason: 'change window closed' },
    });
    expect(revoked.status).toBe(200);
    expectDocumented('post', '/api/v1/requests/{id}/revoke', revoked);
    const resultTooEarly = await api(t, 'POST', `/requests/${toRevoke.id}/result`, {
      body: { exitCode: null, signal: 'SIGTERM', durationMs: 5 },
    });
    expect(resultTooEarly.status).toBe(409);
    expectDocumented('post', '/api/v1/requests/{id}/result', resultTooEarly);
  });

  it('describes the error answers: 400, 401, 404, 413, 415, 422', async () => {
    const invalid = await api(t, 'POST', '/requests', { body: { ...VALID_BODY, risk: 'extreme', extra: 1 } });
    expect(invalid.body).toMatchObject({ error: { code: 'validation_failed', fields: expect.any(Array) } });
    expectDocumented('post', '/api/v1/requests', invalid);
    const notJson = await api(t, 'POST', '/requests', {
      rawBody: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.body).toMatchObject({ error: { code: 'bad_request' } });
    expectDocumented('post', '/api/v1/requests', notJson);
    const text = await api(t, 'POST', '/requests', { rawBody: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expectDocumented('post', '/api/v1/requests', text);
    const tooLarge = await api(t, 'POST', '/requests/00000000-0000-4000-8000-000000000000/cancel', {
      body: { reason: 'x'.repeat(70_000) },
    });
    expect(tooLarge.status).toBe(413);
    expectDocumented('post', '/api/v1/requests/{id}/cancel', tooLarge);
    const unknownRequester = await api(t, 'POST', '/requests', {
      body: { ...VALID_BODY, requester: { email: 'nobody@example.com' } },
    });
    expect(unknownRequester.status).toBe(422);
    expectDocumented('post', '/api/v1/requests', unknownRequester);
    const noKey = await api(t, 'GET', '/requests/00000000-0000-4000-8000-000000000000', { key: null });
    expect(noKey.status).toBe(401);
    expectDocumented('get', '/api/v1/requests/{id}', noKey);
    const missing = await api(t, 'GET', '/requests/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expectDocumented('get', '/api/v1/requests/{id}', missing);
    const badWait = await api(t, 'GET', '/requests/00000000-0000-4000-8000-000000000000?wait=1e1');
    expect(badWait.status).toBe(400);
    expectDocumented('get', '/api/v1/requests/{id}', badWait);
  });

  it('describes the audit answers: export as JSONL and CSV, the report, 400 and 403', async () => {
    await createViaApi(t);
    const text = async (path: string, key = ADMIN_KEY) => {
      const res = await fetch(`${t.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, headers: res.headers, body: await res.text() };
    };
    const jsonl = await text('/audit');
    expect(jsonl.status).toBe(200);
    expectDocumented('get', '/api/v1/audit', jsonl, 'application/x-ndjson');
    const row = schemaAt('components', 'schemas', 'AuditExportRow');
    for (const line of jsonl.body.trimEnd().split('\n')) {
      expect(row(JSON.parse(line)), ajv.errorsText(row.errors)).toBe(true);
    }
    const csv = await text('/audit?format=csv');
    expect(csv.status).toBe(200);
    expectDocumented('get', '/api/v1/audit', csv, 'text/csv');

    const report = await api(t, 'GET', '/audit/verify', { key: ADMIN_KEY });
    expect(report.body).toMatchObject({ ok: true });
    expectDocumented('get', '/api/v1/audit/verify', report);
    expectDocumented('get', '/api/v1/audit', await api(t, 'GET', '/audit?from=soon', { key: ADMIN_KEY }));
    const forbidden = await api(t, 'GET', '/audit/verify');
    expect(forbidden.status).toBe(403);
    expectDocumented('get', '/api/v1/audit/verify', forbidden);
    expectDocumented('get', '/api/v1/audit', await api(t, 'GET', '/audit'));
  });

  it('describes the key set and the health answers', async () => {
    const read = async (path: string) => {
      const res = await fetch(`${t.baseUrl}${path}`);
      return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
    };
    expectDocumented('get', '/.well-known/jwks.json', await read('/.well-known/jwks.json'), 'application/jwk-set+json');
    expectDocumented('get', '/healthz', await read('/healthz'));
    expectDocumented('get', '/readyz', await read('/readyz'));
  });
});
