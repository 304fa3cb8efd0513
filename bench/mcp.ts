/**
 * The MCP tool request_approval's round trip when a rule approves at once: the built service
 * (`node dist/main.js`, ROLE=all) in its own process, the SDK's own Client over Streamable HTTP
 * (one session, calls back to back), from the call to its answer with the grant — and, in the same
 * run, the same request through POST /api/v1/requests, so the cost of the MCP layer shows.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createTestDatabase } from '../test/support/database.ts';
import { REDIS_URL, SIGNING_SECRET, uniquePrefix } from '../test/support/harness.ts';
import { freePort, runService, waitForStatus } from '../test/support/process.ts';
import { keysUnder, removeKeys } from '../test/support/redis-keys.ts';
import { SlackDouble } from '../test/support/slack-double.ts';
import { type Summary, summary } from './summary.ts';

const CHANNEL = 'C0BENCHMCP';
const REQUESTER = 'U0BENCHREQ';
const N = 300;

async function timed(n: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times;
}

export interface McpFigures {
  mcpAutoApproved: Summary;
  restAutoApproved: Summary;
}

export async function measureMcp(): Promise<McpFigures> {
  const slack = await SlackDouble.start();
  slack.addChannel(CHANNEL);
  slack.addUser({ id: REQUESTER, name: 'requester' });
  slack.addUser({ id: 'U0BAPPR000', name: 'approver' });
  const database = await createTestDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const key = `bench-${randomBytes(16).toString('hex')}`;
  const prefix = uniquePrefix();
  const service = await runService({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    APPROVAL_CHANNEL: CHANNEL,
    APPROVERS: 'U0BAPPR000',
    SERVICE_API_KEYS: `bench:${key}:admin`,
    RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ROLE: 'all',
  });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const client = new Client({ name: 'bench-agent', version: '1.0.0' });
  try {
    await waitForStatus(`${base}/readyz`, 200, 30_000);
    const rule = await fetch(`${base}/api/v1/rules`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Sandbox', match: { resources: 'sandbox/**' }, outcome: 'auto_approve' }),
    });
    if (rule.status !== 201) throw new Error(`rule not created: ${rule.status} ${await rule.text()}`);
    const args = {
      action: 'db.drop_table',
      resource: 'sandbox/scratch',
      reason: 'benchmark',
      requester: { slackUserId: REQUESTER },
      risk: 'high',
      context: { ticket: 'OPS-1', rows: 1200000 },
    };
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: headers.authorization } },
      }),
    );
    const viaMcp = async () => {
      const result = await client.callTool({ name: 'request_approval', arguments: args });
      if ((result.structuredContent as { status?: string } | undefined)?.status !== 'approved') {
        throw new Error(`request_approval was not approved: ${JSON.stringify(result)}`);
      }
    };
    const viaRest = async () => {
      const res = await fetch(`${base}/api/v1/requests`, { method: 'POST', headers, body: JSON.stringify(args) });
      const json = (await res.json()) as { status?: string };
      if (json.status !== 'approved') throw new Error(`POST /requests was not approved: ${JSON.stringify(json)}`);
    };
    await timed(30, viaMcp); // warm-up
    await timed(30, viaRest);
    return { mcpAutoApproved: summary(await timed(N, viaMcp)), restAutoApproved: summary(await timed(N, viaRest)) };
  } catch (error) {
    console.error(service.output().slice(-4000));
    throw error;
  } finally {
    await client.close().catch(() => {});
    service.child.kill('SIGTERM');
    await service.exited;
    await slack.close();
    await database.drop();
    await removeKeys(keysUnder(prefix));
  }
}
