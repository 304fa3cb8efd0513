/**
 * What `greenlight mcp-proxy` adds to a tool call the rules approve at once: the same read-only call
 * of `@modelcontextprotocol/server-filesystem`, made by the MCP SDK's own Client directly and through
 * the built proxy (`node dist/cli/greenlight.js mcp-proxy`), against a Greenlight in this process
 * (real PostgreSQL and Redis, the Slack double) with an auto-approve rule. Each proxied call is one
 * request created, auto-approved and its grant spent in that one call (`executeOnApproval`), the
 * spent grant verified offline, then the call forwarded. The automatic path is also timed at the API
 * both ways in the same run: create then execute (two calls) against one create that executes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { requestFor } from '../src/mcp/proxy/tool-call.ts';
import { createRule } from '../src/services/routing/rules-store.ts';
import { API_KEY, REQUESTER, startLifecycleApp } from '../test/support/lifecycle.ts';
import { FILESYSTEM_SERVER, proxyTransport } from '../test/support/mcp-proxy.ts';
import { ruleInput } from '../test/support/rules.ts';

const CALLS = 300;
const WARMUP = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Latencies (ms) of `CALLS` sequential read_text_file calls through `transport`, after a warm-up. */
async function timeCalls(transport: StdioClientTransport, file: string): Promise<number[]> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  try {
    const times: number[] = [];
    for (let i = 0; i < WARMUP + CALLS; i += 1) {
      const t0 = performance.now();
      const result = await client.callTool({ name: 'read_text_file', arguments: { path: file } });
      if (result.isError) throw new Error(`the call failed: ${JSON.stringify(result.content)}`);
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await client.close();
  }
}

/**
 * The proxy's automatic path at the API, both ways in this run: create (auto-approved) then execute
 * (two calls, as before `executeOnApproval`), against one create that approves and executes at once.
 */
async function timeAutomaticPath(baseUrl: string, file: string) {
  const post = async (url: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { id: string; status: string; grant: { token: string } | null };
    if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const tool = { name: 'read_text_file', annotations: { readOnlyHint: true } };
  const body = requestFor({ server: 'fs', requester: { slackUserId: REQUESTER } }, tool, { path: file }, null);
  const { executeOnApproval: _flag, ...twoCallBody } = body;
  const twoCalls: number[] = [];
  const oneCall: number[] = [];
  // Interleaved, so both ways see the same load.
  for (let i = 0; i < WARMUP + CALLS; i += 1) {
    let t0 = performance.now();
    const created = await post('/api/v1/requests', twoCallBody);
    const executed = await post(`/api/v1/requests/${created.id}/execute`, { grant: created.grant?.token });
    if (executed.status !== 'executed') throw new Error('the two-call path did not execute');
    if (i >= WARMUP) twoCalls.push(performance.now() - t0);
    t0 = performance.now();
    const once = await post('/api/v1/requests', body);
    if (once.status !== 'executed') throw new Error('the one-call path did not execute');
    if (i >= WARMUP) oneCall.push(performance.now() - t0);
  }
  return { twoCalls: twoCalls.sort((a, b) => a - b), oneCall: oneCall.sort((a, b) => a - b) };
}

export interface McpProxyBench {
  /** The automatic path at the API: create + execute (two calls) against create with executeOnApproval (one). */
  automaticPath: { twoCalls: { p50: number; p99: number }; oneCall: { p50: number; p99: number } };
  calls: number;
  direct: { p50: number; p99: number };
  proxied: { p50: number; p99: number };
  /** Proxied minus direct, percentile by percentile. */
  added: { p50: number; p99: number };
  unit: 'ms';
}

/** Measures an auto-approved proxied call against the same call made directly (see the file's comment). */
export async function measureMcpProxy(): Promise<McpProxyBench> {
  const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-bench-mcp-'));
  // No rate limit: the bench makes more requests a minute than one API key may by default.
  const t = await startLifecycleApp({ LOG_LEVEL: 'warn', RATE_LIMIT_REQUESTS_PER_MINUTE: '0' });
  try {
    await createRule(
      t.app.deps,
      { type: 'user', id: 'U0ADMIN001' },
      ruleInput({
        name: 'Reads',
        actionPatterns: ['mcp.fs.*'],
        resourcePatterns: ['**'],
        outcome: 'auto_approve',
        channelId: null,
        approvers: [],
      }),
    );
    const file = path.join(dir, 'data.txt');
    await writeFile(file, 'x'.repeat(1024));
    const direct = await timeCalls(
      new StdioClientTransport({ command: process.execPath, args: [FILESYSTEM_SERVER, dir], stderr: 'ignore' }),
      file,
    );
    const proxied = await timeCalls(
      proxyTransport(t.baseUrl, ['--name', 'fs', '--', process.execPath, FILESYSTEM_SERVER, dir]),
      file,
    );
    const automatic = await timeAutomaticPath(t.baseUrl, file);
    const round = (n: number) => Math.round(n * 10) / 10;
    const at = (sorted: number[]) => ({ p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) });
    const d = at(direct);
    const p = at(proxied);
    return {
      automaticPath: { twoCalls: at(automatic.twoCalls), oneCall: at(automatic.oneCall) },
      calls: CALLS,
      direct: d,
      proxied: p,
      added: { p50: round(p.p50 - d.p50), p99: round(p.p99 - d.p99) },
      unit: 'ms',
    };
  } finally {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
}
