import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GrantVerificationError, verifyGrant } from '../../../src/client/index.ts';
import { requestFor } from '../../../src/mcp/proxy/tool-call.ts';
import { createRule, deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import { assertBuilt, CLI, runCli } from '../../support/cli-process.ts';
import {
  API_KEY,
  APPROVER_A,
  type ApiRequest,
  api,
  CHANNEL,
  click,
  denyWithReason,
  eventually,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { FILESYSTEM_SERVER, proxyTransport } from '../../support/mcp-proxy.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };

type Request = ApiRequest & {
  risk: string;
  action: string;
  resource: string;
  context: Record<string, unknown>;
  grant: { token: string } | null;
};

/**
 * `greenlight mcp-proxy` as an agent runs it: the built CLI over stdio, driven by the MCP SDK's own
 * Client, wrapping `@modelcontextprotocol/server-filesystem` on a temporary folder, against the real
 * app (PostgreSQL, Redis) with the Slack double. Destructive tools need A's approval; the rest is
 * approved by a rule.
 */
describe('greenlight mcp-proxy', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  let dir: string;
  let agent: Client;
  let stderr = '';
  const stderrListeners = new Set<() => void>();

  beforeAll(async () => {
    assertBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'greenlight-mcp-'));
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        name: 'Destructive file tools',
        actionPatterns: ['mcp.fs.*'],
        resourcePatterns: ['**'],
        // Keyed on the tool's annotations, the resource taken from the call's `path` by the service.
        annotations: { destructiveHint: true },
        resourceFrom: 'arguments.path',
        channelId: CHANNEL,
        approvers: [APPROVER_A],
        requiredApprovals: 1,
      }),
    );
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        name: 'Other file tools',
        actionPatterns: ['mcp.fs.*'],
        resourcePatterns: ['**'],
        resourceFrom: 'arguments.path',
        outcome: 'auto_approve',
        channelId: null,
        approvers: [],
      }),
    );
    const transport = proxyTransport(
      t.baseUrl,
      ['--name', 'fs', '--', process.execPath, FILESYSTEM_SERVER, dir],
      'pipe',
    );
    (transport.stderr as Readable | null)?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      for (const listener of [...stderrListeners]) listener();
    });
    agent = new Client({ name: 'test-agent', version: '1.0.0' });
    await agent.connect(transport);
  });
  afterEach(() => {
    stderr = '';
  });
  afterAll(async () => {
    await agent?.close();
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, ADMIN, rule.id);
    await rm(dir, { recursive: true, force: true });
  });

  const file = (name: string) => path.join(dir, name);
  const get = async (id: string) => (await api<Request>(t, 'GET', `/requests/${id}`)).body;
  const requestCount = () => t.app.db.approvalRequest.count();
  /** The request the proxy waits on, once it says so on stderr. */
  const held = () =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = stderr.match(/waiting for approval of request ([0-9a-f-]{36})/);
        if (match === null) return;
        stderrListeners.delete(check);
        clearTimeout(timer);
        resolve(match[1] as string);
      };
      const timer = setTimeout(() => {
        stderrListeners.delete(check);
        reject(new Error(`the proxy did not hold the call; stderr:\n${stderr}`));
      }, 20_000);
      stderrListeners.add(check);
      check();
    });
  const call = (name: string, args: Record<string, unknown>, signal?: AbortSignal) =>
    agent.callTool(
      { name, arguments: args },
      undefined,
      signal === undefined ? {} : { signal },
    ) as Promise<CallToolResult>;
  const textOf = (result: CallToolResult) =>
    result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  const deny = (id: string, reason: string) => denyWithReason(t, APPROVER_A, id, reason);

  it('lists the tool server’s tools unchanged, annotations and schemas included', async () => {
    const direct = new Client({ name: 'direct', version: '1.0.0' });
    await direct.connect(new StdioClientTransport({ command: process.execPath, args: [FILESYSTEM_SERVER, dir] }));
    try {
      const [proxied, original] = await Promise.all([agent.listTools(), direct.listTools()]);
      expect(proxied.tools).toEqual(original.tools);
      expect(proxied.tools.find((tool) => tool.name === 'write_file')?.annotations).toMatchObject({
        destructiveHint: true,
      });
    } finally {
      await direct.close();
    }
  });

  it('runs a read-only call at once: approved by the rule and executed, nobody asked', async () => {
    await writeFile(file('notes.txt'), 'hello from the disk');
    const result = await call('read_text_file', { path: file('notes.txt') });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('hello from the disk');
    const id = stderr.match(/read_text_file: approved \(request ([0-9a-f-]{36})\)/)?.[1];
    expect(id).toBeDefined();
    const request = await get(id as string);
    expect(request).toMatchObject({ status: 'executed', action: 'mcp.fs.read_text_file', resource: file('notes.txt') });
    expect(request.risk).toBe('low');
    expect(request.decision).toMatchObject({ by: 'rule:Other file tools' });
    // One create call approved and spent it (executeOnApproval): no separate execute, both audited in order.
    const trail = await t.app.db.auditEvent.findMany({
      where: { requestId: id as string },
      orderBy: { id: 'asc' },
      select: { type: true },
    });
    expect(trail.map((event) => event.type).slice(0, 3)).toEqual([
      'request.created',
      'request.auto_approved',
      'request.executed',
    ]);
    expect(trail.filter((event) => event.type.startsWith('execute.'))).toEqual([]);
  });

  it('executeOnApproval: an automatic approval is answered executed with its spent grant; a held request is unaffected', async () => {
    const settings = { server: 'fs', requester: { slackUserId: REQUESTER } };
    const args = { path: file('once.txt') };
    const body = requestFor(settings, { name: 'read_text_file', annotations: { readOnlyHint: true } }, args, null);
    const created = await api<Request & { version: number }>(t, 'POST', '/requests', { body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'executed', resource: args.path });
    const token = created.body.grant?.token as string;
    const jwksUrl = `${t.baseUrl}/.well-known/jwks.json`;
    const expected = { action: body.action, resource: args.path, environment: null, params: body.context };
    await expect(verifyGrant(token, { jwksUrl, expect: expected })).resolves.toMatchObject({ sub: created.body.id });
    // Only the create answer carries the spent grant, and it cannot be spent again.
    expect((await get(created.body.id)).grant).toBeNull();
    const again = await api<{ error: { code: string } }>(t, 'POST', `/requests/${created.body.id}/execute`, {
      body: { grant: token },
    });
    expect([again.status, again.body.error.code]).toEqual([409, 'already_executed']);
    // Without the flag the automatic path is as before: approved, its grant to spend.
    const { executeOnApproval: _flag, ...plain } = body;
    expect((await api<Request>(t, 'POST', '/requests', { body: plain })).body.status).toBe('approved');
    // A call that waits for people is created pending, flag or not.
    const write = requestFor(settings, { name: 'write_file', annotations: { destructiveHint: true } }, args, null);
    const pending = await api<Request>(t, 'POST', '/requests', { body: write });
    expect(pending.body).toMatchObject({ status: 'pending', grant: null });
    await deny(pending.body.id, 'not now');
  });

  it('holds a write, shows its arguments on the card, and writes only after Approve', async () => {
    const target = file('approved.txt');
    const pending = call('write_file', { path: target, content: 'approved content' });
    const id = await held();
    const card = await waitForCard(t, id);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('approved content');
    expect(shown).toContain('mcp.fs.write_file');
    expect(existsSync(target)).toBe(false);
    const request = await get(id);
    expect(request).toMatchObject({ status: 'pending', risk: 'high', resource: target });
    expect(request.context['mcp.annotations']).toContain('destructiveHint=true');

    await click(t, APPROVER_A, 'approve_request', id);
    const result = await pending;
    expect(result.isError).toBeFalsy();
    expect(await readFile(target, 'utf8')).toBe('approved content');
    expect((await get(id)).status).toBe('executed');
    await expect
      .poll(async () => (await get(id)).audit?.find((event) => event.type === 'execution.reported')?.details)
      .toMatchObject({ exitCode: 0 });
  });

  it('refuses a write after Deny, telling the model who denied it and why; nothing is written', async () => {
    const target = file('denied.txt');
    const pending = call('write_file', { path: target, content: 'never' });
    const id = await held();
    await deny(id, 'use the staging folder first');
    const result = await pending;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(new RegExp(`^Denied by ${APPROVER_A}: use the staging folder first\\.`));
    expect(existsSync(target)).toBe(false);
  });

  it('tells the agent it is waiting with progress notifications naming the request', async () => {
    const target = file('progress.txt');
    const updates: Array<{ progress: number; message?: string }> = [];
    const pending = agent.callTool({ name: 'write_file', arguments: { path: target, content: 'p' } }, undefined, {
      onprogress: (update) => updates.push(update),
    }) as Promise<CallToolResult>;
    const id = await held();
    await expect.poll(() => updates.length).toBeGreaterThan(0);
    expect(updates[0]?.message).toContain(id);
    await deny(id, 'no');
    expect((await pending).isError).toBe(true);
  });

  it('binds the grant to the exact arguments: one byte more is neither covered nor verified', async () => {
    const target = file('bound.txt');
    const first = call('write_file', { path: target, content: 'v1' });
    const firstId = await held();
    await click(t, APPROVER_A, 'approve_request', firstId);
    await first;
    stderr = '';
    // The same call with one more byte is asked again, not run under the earlier approval.
    const second = call('write_file', { path: target, content: 'v1!' });
    const secondId = await held();
    expect(secondId).not.toBe(firstId);
    expect(await readFile(target, 'utf8')).toBe('v1');
    await deny(secondId, 'no');
    expect((await second).isError).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('v1');

    // And a grant approved for some arguments does not verify for arguments one byte apart, even
    // where the card shows both alike (a masked secret).
    const tool = { name: 'write_file', annotations: { destructiveHint: true } };
    const settings = { server: 'fs', requester: { slackUserId: REQUESTER } };
    const approvedFor = requestFor(settings, tool, { path: target, content: 'v2', password: 'pw-1' }, null);
    const created = await api<Request>(t, 'POST', '/requests', { body: approvedFor });
    await click(t, APPROVER_A, 'approve_request', created.body.id);
    const token = await (async () => {
      for (;;) {
        const now = (await api<Request>(t, 'GET', `/requests/${created.body.id}?wait=10`)).body;
        if (now.grant !== null) return now.grant.token;
      }
    })();
    const jwksUrl = `${t.baseUrl}/.well-known/jwks.json`;
    const expectFor = (content: string, password = 'pw-1') => {
      const body = requestFor(settings, tool, { path: target, content, password }, null);
      // The rule named the resource from the path argument: the request says which.
      return { action: body.action, resource: created.body.resource, environment: null, params: body.context };
    };
    await expect(verifyGrant(token, { jwksUrl, expect: expectFor('v2') })).resolves.toMatchObject({
      sub: created.body.id,
    });
    for (const other of [expectFor('v2 '), expectFor('v2', 'pw-2')]) {
      const refused = await verifyGrant(token, { jwksUrl, expect: other }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(GrantVerificationError);
      expect((refused as GrantVerificationError).claim).toBe('params_hash');
    }
    expect(expectFor('v2', 'pw-2').params['mcp.arguments']).toBe(expectFor('v2').params['mcp.arguments']);
    expect(created.body.resource).toBe(target);
  });

  it('routes on the mcp field: annotations pick the rule, a bad hash or a contradicting context is a 400 and creates nothing', async () => {
    const settings = { server: 'fs', requester: { slackUserId: REQUESTER } };
    const args = { path: file('routed.txt') };
    const readOnly = requestFor(settings, { name: 'read_text_file', annotations: { readOnlyHint: true } }, args, null);
    const silent = requestFor(settings, { name: 'made_up_tool' }, args, null);
    const before = await requestCount();
    // The same action and risk: only the annotations differ (a silent tool counts as destructive).
    const ran = await api<Request>(t, 'POST', '/requests', { body: { ...readOnly, risk: 'high' } });
    const asked = await api<Request>(t, 'POST', '/requests', { body: { ...silent, risk: 'high' } });
    expect(ran.body).toMatchObject({ status: 'executed', resource: args.path });
    expect(asked.body).toMatchObject({ status: 'pending', resource: args.path });
    expect(asked.body.context).toMatchObject({
      'mcp.tool': 'made_up_tool',
      'mcp.arguments_sha256': silent.mcp.argumentsSha256,
    });
    expect(asked.body.context).not.toHaveProperty('mcp.annotations');
    await deny(asked.body.id, 'not this one');

    const tampered = await api<{ error: { details?: Array<{ path: string }> } }>(t, 'POST', '/requests', {
      body: { ...silent, mcp: { ...silent.mcp, arguments: { path: file('other.txt') } } },
    });
    const contradicting = await api<{ error: { details?: Array<{ path: string }> } }>(t, 'POST', '/requests', {
      body: { ...silent, context: { ...silent.context, 'mcp.tool': 'read_text_file' } },
    });
    expect([tampered.status, contradicting.status]).toEqual([400, 400]);
    expect(JSON.stringify(tampered.body)).toContain('mcp.argumentsSha256');
    expect(JSON.stringify(contradicting.body)).toContain('context.mcp.tool');
    expect(await requestCount()).toBe(before + 2);
  });

  it('“Approve this tool for 15 minutes” covers the next identical call, not another one, and not once revoked in App Home', async () => {
    const target = file('standing.txt');
    const args = { path: target, content: 'standing content' };
    const first = call('write_file', args);
    const firstId = await held();
    const card = await waitForCard(t, firstId);
    expect(JSON.stringify(card.blocks)).toContain('Approve this tool for 15 minutes');
    await t.sender.blockAction({
      user_id: APPROVER_A,
      action_id: 'approve_request_for_while',
      value: firstId,
      channel_id: CHANNEL,
      message_ts: card.ts,
      block_id: 'decision',
    });
    expect((await first).isError).toBeFalsy();
    await expect.poll(() => t.app.db.standingApproval.count({ where: { requestId: firstId } })).toBe(1);

    // The same call again runs at once, approved under the standing approval and audited as covered by it.
    await rm(target);
    stderr = '';
    expect((await call('write_file', args)).isError).toBeFalsy();
    expect(await readFile(target, 'utf8')).toBe('standing content');
    expect(stderr).not.toContain('waiting for approval');
    const coveredId = stderr.match(/write_file: approved \(request ([0-9a-f-]{36})\)/)?.[1] as string;
    const covered = await get(coveredId);
    expect(covered.decision).toMatchObject({ by: APPROVER_A });
    expect(covered.audit?.map((event) => event.type)).toContain('standing_approval.covered');

    // Other arguments are not covered.
    stderr = '';
    const other = call('write_file', { ...args, content: 'other content' });
    await deny(await held(), 'not this one');
    expect((await other).isError).toBe(true);

    // Listed in the approver's App Home, revoked there: the identical call is asked again.
    await t.sender.event({ type: 'app_home_opened', user: APPROVER_A, channel: 'D0HOMEMCP1', tab: 'home' });
    const home = await t.slack.waitForCall(
      'views.publish',
      (c) => c.args.user_id === APPROVER_A && JSON.stringify(c.args.view).includes('home_standing_revoke'),
    );
    const standing = await t.app.db.standingApproval.findFirstOrThrow({ where: { requestId: firstId } });
    expect(JSON.stringify(home.args.view)).toContain(standing.id);
    await t.sender.blockAction({
      user_id: APPROVER_A,
      action_id: 'home_standing_revoke',
      value: standing.id,
      view: home.args.view as Record<string, unknown>,
    });
    await expect
      .poll(async () => (await t.app.db.standingApproval.findUniqueOrThrow({ where: { id: standing.id } })).revokedAt)
      .not.toBeNull();
    stderr = '';
    const again = call('write_file', args);
    await deny(await held(), 'revoked');
    expect((await again).isError).toBe(true);
  });

  it('withdraws the request when the agent cancels the call while it waits; nothing is written', async () => {
    const target = file('cancelled.txt');
    const abort = new AbortController();
    const pending = call('write_file', { path: target, content: 'x' }, abort.signal);
    const id = await held();
    abort.abort('the user pressed stop');
    await expect(pending).rejects.toThrow();
    await expect.poll(async () => (await get(id)).status, { timeout: 15_000 }).toBe('cancelled');
    expect(existsSync(target)).toBe(false);
  });

  it('answers an unknown tool and arguments failing its schema with MCP errors, asking nothing', async () => {
    const before = await requestCount();
    const unknown = await call('format_disk', {}).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(McpError);
    expect((unknown as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((unknown as McpError).message).toContain('format_disk');
    const invalid = await call('write_file', { path: file('x.txt') }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(McpError);
    expect((invalid as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((invalid as McpError).message).toContain('content');
    expect(await requestCount()).toBe(before);
    expect(existsSync(file('x.txt'))).toBe(false);
  });

  it('exits 69 when the tool server cannot start, and 64 on bad usage, asking nothing', async () => {
    const before = await requestCount();
    const env = { GREENLIGHT_URL: t.baseUrl, GREENLIGHT_API_KEY: API_KEY, GREENLIGHT_REQUESTER: REQUESTER };
    const broken = runCli(
      ['mcp-proxy', '--name', 'fs', '--', process.execPath, FILESYSTEM_SERVER, file('missing/dir')],
      env,
    );
    expect((await broken.exited).code).toBe(69);
    expect(broken.stderr()).toContain('could not start the tool server');
    const usage = runCli(['mcp-proxy', '--', process.execPath, FILESYSTEM_SERVER, dir], env);
    expect((await usage.exited).code).toBe(64);
    expect(usage.stderr()).toContain('--name is required');
    expect(await requestCount()).toBe(before);
  });

  it('ends, exit code 0, when the agent goes away (its stdin ends)', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'mcp-proxy', '--name', 'fs', '--', process.execPath, FILESYSTEM_SERVER, dir],
      {
        env: {
          PATH: process.env.PATH ?? '',
          GREENLIGHT_URL: t.baseUrl,
          GREENLIGHT_API_KEY: API_KEY,
          GREENLIGHT_REQUESTER: REQUESTER,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    let log = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
        if (log.includes('gating the tools of fs')) resolve();
      });
    });
    try {
      child.stdin.end();
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  describe('with a Streamable HTTP tool server (--url)', () => {
    let server: Server;
    let url: string;
    let proxied: Client;
    const deleted: string[] = [];

    /** A real MCP server from the SDK over Streamable HTTP (stateless), behind a bearer token. */
    const toolServer = () => {
      const mcp = new McpServer({ name: 'records', version: '1.0.0' });
      mcp.registerTool(
        'get_record',
        { description: 'Reads a record', inputSchema: { id: z.string() }, annotations: { readOnlyHint: true } },
        async ({ id }) => ({ content: [{ type: 'text', text: `record ${id}` }] }),
      );
      mcp.registerTool(
        'delete_record',
        { description: 'Deletes a record', inputSchema: { id: z.string() }, annotations: { destructiveHint: true } },
        async ({ id }) => {
          deleted.push(id);
          return { content: [{ type: 'text', text: `deleted ${id}` }] };
        },
      );
      return mcp;
    };

    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.headers.authorization !== 'Bearer tool-secret') {
          res.writeHead(401).end();
          return;
        }
        const mcp = toolServer();
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        res.on('close', () => {
          void transport.close();
          void mcp.close();
        });
        void mcp.connect(transport).then(() => transport.handleRequest(req, res));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
      proxied = new Client({ name: 'http-agent', version: '1.0.0' });
      await proxied.connect(
        proxyTransport(t.baseUrl, ['--name', 'fs', '--url', url, '--header', 'Authorization: Bearer tool-secret']),
      );
    });
    afterAll(async () => {
      await proxied?.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('gates its tools like a stdio server’s: a read runs at once, a delete only after approval', async () => {
      expect((await proxied.listTools()).tools.map((tool) => tool.name).sort()).toEqual([
        'delete_record',
        'get_record',
      ]);
      const read = (await proxied.callTool({ name: 'get_record', arguments: { id: '7' } })) as CallToolResult;
      expect(textOf(read)).toBe('record 7');

      const before = await requestCount();
      const pending = proxied.callTool({ name: 'delete_record', arguments: { id: '7' } }) as Promise<CallToolResult>;
      const request = await eventually(async () => {
        const rows = await t.app.db.approvalRequest.findMany({
          where: { action: 'mcp.fs.delete_record', status: 'pending' },
          select: { id: true },
        });
        return rows[0];
      });
      expect(deleted).toEqual([]);
      await click(t, APPROVER_A, 'approve_request', request.id);
      expect(textOf(await pending)).toBe('deleted 7');
      expect(deleted).toEqual(['7']);
      expect(await requestCount()).toBe(before + 1);
    });
  });
});
