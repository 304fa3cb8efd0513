import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CallToolResultSchema,
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyGrant } from '../../../src/client/index.ts';
import type { TApprovalAnswer } from '../../../src/mcp/answer.ts';
import { MAX_SESSIONS_PER_CLIENT } from '../../../src/mcp/routes.ts';
import { createApiClient } from '../../../src/services/api-keys/api-keys.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { query } from '../../support/database.ts';
import {
  API_KEY,
  APPROVER_A,
  APPROVER_B,
  cardOf,
  click,
  eventually,
  OTHER_KEY,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
  waitForCard,
} from '../../support/lifecycle.ts';
import { connectMcp, initializeMessage, MCP_CLIENT_INFO, postMcp } from '../../support/mcp-client.ts';
import { sandboxAutoApproval } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

type ToolResult = {
  content: Array<{ type: string; text: string }>;
  structuredContent?: TApprovalAnswer;
  isError?: boolean;
};

describe('Greenlight as an MCP server (/mcp)', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const open: Client[] = [];
  const connect = async (...args: Parameters<typeof connectMcp> extends [unknown, ...infer R] ? R : never) => {
    const { client } = await connectMcp(t, ...args);
    open.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((client) => client.close()));
  });

  beforeAll(async () => {
    await createRule(t.app.deps, { type: 'user', id: 'U0ADMIN001' }, sandboxAutoApproval());
  });

  const count = async (table: string) =>
    Number((await query<{ n: string }>(t.database.url, `SELECT count(*) AS n FROM ${table}`))[0]?.n);
  const call = async (client: Client, name: string, args: Record<string, unknown>, options = {}) =>
    (await client.callTool({ name, arguments: args }, undefined, options)) as ToolResult;
  const ARGS = { ...VALID_BODY };

  it('negotiates the newest protocol version and lists the tools with input and output schemas and honest annotations', async () => {
    const client = await connect();
    expect(client.getServerVersion()).toMatchObject({ name: 'greenlight' });
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName).sort()).toEqual([
      'cancel_approval',
      'execute_grant',
      'get_approval',
      'request_approval',
      'wait_for_approval',
    ]);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.properties).toHaveProperty('status');
      expect(tool.outputSchema?.properties).toHaveProperty('grant');
    }
    const request = byName.request_approval;
    expect(request?.inputSchema.required).toEqual(
      expect.arrayContaining(['action', 'resource', 'reason', 'requester']),
    );
    expect(request?.inputSchema.properties).toHaveProperty('wait_seconds');
    expect(request?.inputSchema.properties?.context).toMatchObject({ type: 'object', maxProperties: 50 });
    expect(byName.get_approval?.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.wait_for_approval?.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.cancel_approval?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.request_approval?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
  });

  it('agrees on an older protocol version the client asks for', async () => {
    const res = await postMcp(t, initializeMessage('2025-03-26'));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"protocolVersion":"2025-03-26"');
    const session = res.headers.get('mcp-session-id');
    expect(session).toBeTruthy();
    // The session belongs to the key that opened it: another key cannot use it.
    const other = await postMcp(
      t,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { key: OTHER_KEY, session: session as string },
    );
    expect(other.status).toBe(404);
    expect(LATEST_PROTOCOL_VERSION).not.toBe('2025-03-26');
  });

  it('without an API key: 401 before any session, and nothing is created', async () => {
    const before = await count('approval_requests');
    await expect(connectMcp(t, null)).rejects.toThrow(/401|missing API key/i);
    await expect(connectMcp(t, 'x'.repeat(40))).rejects.toThrow(/401|unknown or revoked/i);
    const res = await postMcp(t, initializeMessage(), { key: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(await count('approval_requests')).toBe(before);
  });

  it('request_approval without a wait answers pending, and the card names the MCP client', async () => {
    const client = await connect();
    const result = await call(client, 'request_approval', ARGS);
    expect(result.isError).toBeFalsy();
    const answer = result.structuredContent as TApprovalAnswer;
    expect(answer).toMatchObject({ status: 'pending', action: ARGS.action, decision: null, grant: null });
    expect(result.content[0]?.text).toMatch(/^Pending: db\.drop_table on prod\/customers/);
    expect(JSON.parse(result.content[1]?.text ?? '{}')).toEqual(answer);
    const card = await waitForCard(t, answer.requestId);
    expect(JSON.stringify(card.blocks)).toContain(`via ${MCP_CLIENT_INFO.name} ${MCP_CLIENT_INFO.version}`);
    const [row] = await query<{ mcp_client_name: string; mcp_client_version: string; source: string }>(
      t.database.url,
      'SELECT mcp_client_name, mcp_client_version, source FROM approval_requests WHERE id = $1',
      [answer.requestId],
    );
    expect(row).toEqual({ mcp_client_name: 'test-agent', mcp_client_version: '1.0.3', source: 'api' });
    const [created] = await query<{ actor_id: string; details: { mcpClient?: unknown } }>(
      t.database.url,
      "SELECT actor_id, details FROM audit_events WHERE request_id = $1 AND type = 'request.created'",
      [answer.requestId],
    );
    expect(created).toMatchObject({ actor_id: 'ci', details: { mcpClient: MCP_CLIENT_INFO } });
    // Once the card is posted, get_approval links to it.
    const read = await call(client, 'get_approval', { request_id: answer.requestId });
    expect(read.structuredContent?.cardUrl).toMatch(/^https?:\/\//);
  });

  it('request_approval with a wait reports progress, and answers the approval with a grant that verifies', async () => {
    const client = await connect();
    const progress: Progress[] = [];
    const args = { ...ARGS, resource: 'prod/customers-waited-for' };
    const waiting = call(
      client,
      'request_approval',
      { ...args, wait_seconds: 60 },
      {
        onprogress: (p: Progress) => progress.push(p),
        resetTimeoutOnProgress: true,
      },
    );
    // The request exists while the call waits: approve it as an approver in Slack would.
    const created = await eventually(async () => {
      const rows = await query<{ id: string }>(t.database.url, 'SELECT id FROM approval_requests WHERE resource = $1', [
        args.resource,
      ]);
      return rows[0]?.id;
    });
    await eventually(() => progress.length > 0, 5000, 'a progress notification');
    await click(t, APPROVER_A, 'approve_request', created);
    const result = await waiting;
    const answer = result.structuredContent as TApprovalAnswer;
    expect(answer.status).toBe('approved');
    expect(answer.decision?.by).toMatchObject({ type: 'user', id: APPROVER_A, name: 'alice' });
    expect(result.content[0]?.text).toMatch(/^Approved by alice/);
    expect(progress[0]).toMatchObject({ total: 60 });
    expect(progress.every((p, i) => i === 0 || p.progress > (progress[i - 1] as Progress).progress)).toBe(true);
    const claims = await verifyGrant(answer.grant?.token as string, {
      jwksUrl: `${t.baseUrl}/.well-known/jwks.json`,
      audience: 'ci',
      expect: {
        action: args.action,
        resource: args.resource,
        environment: ARGS.environment,
        params: ARGS.context,
        requestId: answer.requestId,
      },
    });
    expect(claims.sub).toBe(answer.requestId);

    // execute_grant spends it once; the second time is refused with the reason.
    const spent = await call(client, 'execute_grant', { request_id: answer.requestId, grant: answer.grant?.token });
    expect(spent.structuredContent).toMatchObject({ status: 'executed', grant: null });
    const again = await call(client, 'execute_grant', { request_id: answer.requestId, grant: answer.grant?.token });
    expect(again.isError).toBe(true);
    expect(again.content[0]?.text).toMatch(/already executed/);
  });

  it('a deny with a reason reaches the waiting agent: who and why', async () => {
    const client = await connect();
    const pending = (await call(client, 'request_approval', ARGS)).structuredContent as TApprovalAnswer;
    const waiting = call(client, 'wait_for_approval', { request_id: pending.requestId, wait_seconds: 60 });
    await click(t, APPROVER_B, 'deny_request', pending.requestId);
    const opened = await t.slack.waitForCall('views.open', (c) =>
      JSON.stringify(c.args.view).includes(pending.requestId),
    );
    await t.sender.viewSubmission({
      user_id: APPROVER_B,
      callback_id: 'deny_reason_modal',
      private_metadata: (opened.args.view as { private_metadata: string }).private_metadata,
      values: { reason: { reason: { type: 'plain_text_input', value: 'use the staging database first' } } },
    });
    const result = await waiting;
    expect(result.structuredContent).toMatchObject({
      status: 'denied',
      grant: null,
      decision: { by: { type: 'user', id: APPROVER_B, name: 'bob' }, reason: 'use the staging database first' },
    });
    expect(result.content[0]?.text).toMatch(/^Denied by bob: use the staging database first\. Do not perform/);
  });

  it('cancelling the call ends the wait and leaves the request pending', async () => {
    const client = await connect();
    const pending = (await call(client, 'request_approval', ARGS)).structuredContent as TApprovalAnswer;
    const abort = new AbortController();
    const progress: Progress[] = [];
    const waiting = client.callTool(
      { name: 'wait_for_approval', arguments: { request_id: pending.requestId, wait_seconds: 600 } },
      undefined,
      { signal: abort.signal, onprogress: (p) => progress.push(p) },
    );
    await eventually(() => progress.length > 0, 5000, 'the wait to start');
    abort.abort('the user pressed Esc');
    await expect(waiting).rejects.toThrow();
    // The server stopped waiting too (notifications/cancelled aborted the call), not only the client.
    await eventually(() => t.app.deps.changes.openWaits() === 0, 5000, 'the server-side wait to end');
    const read = await call(client, 'get_approval', { request_id: pending.requestId });
    expect(read.structuredContent?.status).toBe('pending');
    await click(t, APPROVER_A, 'approve_request', pending.requestId);
    const after = await call(client, 'get_approval', { request_id: pending.requestId });
    expect(after.structuredContent?.status).toBe('approved');
  });

  it('an agent that disconnects mid-wait: the request stays, the decision is recorded, nothing is executed', async () => {
    const { client, transport } = await connectMcp(t);
    const pending = (await call(client, 'request_approval', ARGS)).structuredContent as TApprovalAnswer;
    const progress: Progress[] = [];
    const waiting = client
      .callTool(
        { name: 'wait_for_approval', arguments: { request_id: pending.requestId, wait_seconds: 600 } },
        undefined,
        {
          onprogress: (p) => progress.push(p),
        },
      )
      .catch((error: unknown) => error);
    await eventually(() => progress.length > 0, 5000, 'the wait to start');
    expect(t.app.deps.changes.openWaits()).toBe(1);
    await transport.close();
    await waiting;
    // The dropped response cancels the call on the server: its wait ends now, not in ten minutes.
    await eventually(() => t.app.deps.changes.openWaits() === 0, 5000, 'the server-side wait to end');
    await click(t, APPROVER_A, 'approve_request', pending.requestId);
    const later = await connect();
    const read = await call(later, 'get_approval', { request_id: pending.requestId });
    expect(read.structuredContent).toMatchObject({ status: 'approved', executedAt: null });
    expect(read.structuredContent?.grant?.token).toBeTruthy();
  });

  it('refusals are tool errors with a clear text: someone else’s request, an unknown one, a late cancel', async () => {
    const mine = await connect();
    const theirs = await connect(OTHER_KEY, { name: 'other-agent', version: '2.0.0' });
    const pending = (await call(mine, 'request_approval', ARGS)).structuredContent as TApprovalAnswer;
    for (const tool of ['get_approval', 'cancel_approval']) {
      const refused = await call(theirs, tool, { request_id: pending.requestId });
      expect(refused.isError).toBe(true);
      expect(refused.content[0]?.text).toBe(`no request ${pending.requestId} [not_found]`);
    }
    const unknown = await call(mine, 'get_approval', { request_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown).toMatchObject({ isError: true });
    const cancelled = await call(mine, 'cancel_approval', { request_id: pending.requestId, reason: 'not needed' });
    expect(cancelled.structuredContent).toMatchObject({ status: 'cancelled' });
    expect(cancelled.content[0]?.text).toMatch(/^Cancelled: not needed/);
    const late = await call(mine, 'cancel_approval', { request_id: pending.requestId });
    expect(late.isError).toBe(true);
    expect(late.content[0]?.text).toMatch(/already cancelled/);
  });

  it('invalid arguments and unknown tools are refused by name, and write nothing', async () => {
    const client = await connect();
    const before = await count('approval_requests');
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['request_approval', { ...ARGS, action: 'drop table; --' }, /action/],
      ['request_approval', { ...ARGS, risk: 'apocalyptic' }, /risk/],
      ['request_approval', { ...ARGS, wait_seconds: 10_000 }, /wait_seconds/],
      ['request_approval', { ...ARGS, approver: 'me' }, /approver/],
      ['request_approval', { ...ARGS, reason: 'nul \u0000 inside' }, /reason/],
      ['request_approval', { ...ARGS, requester: { slackUserId: 'U0NOBODY99' } }, /requester/],
      // The REST create's executeOnApproval is not offered: an agent spends its grant with execute_grant.
      ['request_approval', { ...ARGS, executeOnApproval: true }, /executeOnApproval/],
      ['get_approval', { request_id: 'not-a-uuid' }, /request_id/],
      ['no_such_tool', {}, /no_such_tool/],
    ];
    for (const [tool, args, names] of cases) {
      const result = await call(client, tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(result.content[0]?.text).toMatch(names);
    }
    expect(await count('approval_requests')).toBe(before);
  });

  it('a malformed tools/call (no tool name) is a JSON-RPC error, not a tool result', async () => {
    const client = await connect();
    const error = await client
      .request({ method: 'tools/call', params: { arguments: {} } as never }, CallToolResultSchema)
      .catch((e: unknown) => e);
    // A JSON-RPC error naming the missing field. (SDK 1.32 answers -32603 with the schema's issues
    // where JSON-RPC would say -32602; the code is the SDK's, the refusal is what matters here.)
    expect(error).toBeInstanceOf(McpError);
    expect([ErrorCode.InvalidParams, ErrorCode.InternalError]).toContain((error as McpError).code);
    expect((error as McpError).message).toMatch(/"params",\s*"name"/);
  });

  it('DELETE ends the session: its id is unknown afterwards', async () => {
    const { client, transport } = await connectMcp(t);
    open.push(client);
    const session = transport.sessionId as string;
    await transport.terminateSession();
    const res = await postMcp(t, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { session });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: -32001 } });
  });

  it('an auto-approve rule answers approved at once, with the rule as the decider', async () => {
    const client = await connect();
    const result = await call(client, 'request_approval', { ...ARGS, resource: 'sandbox/scratch', wait_seconds: 30 });
    expect(result.structuredContent).toMatchObject({
      status: 'approved',
      decision: { by: { type: 'rule', id: 'Sandbox' } },
    });
    expect(result.structuredContent?.grant?.token).toBeTruthy();
  });

  it('one API key may hold a bounded number of sessions; other keys are not affected', async () => {
    const initialize = (key: string) => postMcp(t, initializeMessage(), { key });
    const statuses: number[] = [];
    for (let i = 0; i <= MAX_SESSIONS_PER_CLIENT; i += 1) {
      const res = await initialize(OTHER_KEY);
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.status !== 200) break;
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(MAX_SESSIONS_PER_CLIENT);
    const mine = await initialize(API_KEY);
    expect(mine.status).toBe(200);
    await mine.arrayBuffer();
  });

  it('the bound holds for initializes sent all at once (each counts from its check, not once its session exists)', async () => {
    const { secret } = await createApiClient(t.app.deps, { type: 'user', id: 'U0ADMIN001' }, 'mcp-burst');
    const burst = await Promise.all(
      Array.from({ length: MAX_SESSIONS_PER_CLIENT + 20 }, async () => {
        const res = await postMcp(t, initializeMessage(), { key: secret });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(burst.filter((status) => status === 200).length).toBe(MAX_SESSIONS_PER_CLIENT);
    expect(burst.filter((status) => status === 429).length).toBe(20);
  });

  it('the requester named for the agent is the requester on the card', async () => {
    const client = await connect();
    const answer = (await call(client, 'request_approval', ARGS)).structuredContent as TApprovalAnswer;
    await waitForCard(t, answer.requestId);
    expect(JSON.stringify(cardOf(t, answer.requestId)?.blocks)).toContain(REQUESTER);
  });
});

describe('/mcp at shutdown', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  it('an open wait is answered pending and the sessions end when the app closes; the request stays pending', async () => {
    const { client } = await connectMcp(t);
    const asked = await client.callTool({ name: 'request_approval', arguments: { ...VALID_BODY } });
    const requestId = (asked.structuredContent as TApprovalAnswer).requestId;
    const progress: Progress[] = [];
    const waiting = client.callTool(
      { name: 'wait_for_approval', arguments: { request_id: requestId, wait_seconds: 600 } },
      undefined,
      { onprogress: (p) => progress.push(p), timeout: 600_000 },
    );
    await eventually(() => progress.length > 0, 5000, 'the wait to start');
    // Closing waits for in-flight HTTP requests: it returns only because the wait and the streams ended.
    await t.app.close();
    // The call was answered before the session closed: pending, as the request stands.
    expect(((await waiting) as ToolResult).structuredContent?.status).toBe('pending');
    const [row] = await query<{ status: string }>(
      t.database.url,
      'SELECT status FROM approval_requests WHERE id = $1',
      [requestId],
    );
    expect(row?.status).toBe('pending');
    await client.close().catch(() => {});
  });
});
