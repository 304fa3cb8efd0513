import type { Readable, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  ErrorCode,
  ListToolsRequestSchema,
  ListToolsResultSchema,
  McpError,
  type Notification,
  type Progress,
  ResultSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { type GateDeps, gateToolCall } from './gate.ts';

/** Where the gated tools are: a command speaking MCP on stdio, or a Streamable HTTP endpoint. */
export type Downstream =
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { kind: 'http'; url: URL; headers: Record<string, string> };

/** Everything a proxy session needs. */
export interface ProxyOptions {
  downstream: Downstream;
  gate: GateDeps;
  /** The agent's side; the process's stdin/stdout by default. */
  stdin?: Readable;
  stdout?: Writable;
}

/** A running proxy: `closed` settles when either side ends; `close()` ends both. */
export interface RunningProxy {
  closed: Promise<void>;
  close(): Promise<void>;
}

const VERSION = '0.1.0';
/** A forwarded call may run long: the downstream's answer is awaited this long, counted afresh on each progress. */
const CALL_TIMEOUT_MS = 10 * 60_000;

function downstreamTransport(downstream: Downstream): Transport {
  if (downstream.kind === 'stdio') {
    // The tool server's own log lines go to our stderr, as the agent's client shows ours.
    return new StdioClientTransport({
      command: downstream.command,
      args: downstream.args,
      env: downstream.env,
      stderr: 'inherit',
    });
  }
  return new StreamableHTTPClientTransport(downstream.url, { requestInit: { headers: downstream.headers } });
}

/** The tools of the downstream server by name, all pages of `tools/list`. */
async function listAllTools(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.request(
      { method: 'tools/list', params: cursor === undefined ? {} : { cursor } },
      ListToolsResultSchema,
    );
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

/**
 * `greenlight mcp-proxy`: an MCP server on stdio for the agent, an MCP client of the tool server.
 * Tools are listed exactly as the tool server lists them; every `tools/call` goes through the gate
 * (Greenlight's rules, and a person in Slack when they say so) and is forwarded only once its grant
 * is verified and spent. Everything else — other requests, notifications both ways, progress and
 * cancellation of forwarded calls — passes through unchanged. The proxy ends when either side does.
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const { gate } = options;
  const client = new Client({ name: 'greenlight-mcp-proxy', version: VERSION }, { capabilities: {} });
  await client.connect(downstreamTransport(options.downstream));
  const capabilities = client.getServerCapabilities() ?? {};
  const info = client.getServerVersion() ?? { name: 'greenlight-mcp-proxy', version: VERSION };
  const instructions = client.getInstructions();
  const server = new Server(
    { ...info, name: info.name },
    { capabilities, ...(instructions === undefined ? {} : { instructions }) },
  );

  const validator = new AjvJsonSchemaValidator();
  let tools = new Map<string, { tool: Tool; check: JsonSchemaValidator<unknown> }>();
  const refreshTools = async () => {
    const listed = await listAllTools(client);
    tools = new Map(listed.map((tool) => [tool.name, { tool, check: validator.getValidator(tool.inputSchema) }]));
  };
  if (capabilities.tools !== undefined) await refreshTools();

  server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
    const listed = await client.request(request, ListToolsResultSchema, { signal: extra.signal });
    if (request.params?.cursor === undefined && listed.nextCursor === undefined) {
      tools = new Map(
        listed.tools.map((tool) => [tool.name, { tool, check: validator.getValidator(tool.inputSchema) }]),
      );
    }
    return listed;
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name } = request.params;
    if (!tools.has(name)) await refreshTools();
    const known = tools.get(name);
    if (known === undefined) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
    const args = request.params.arguments ?? {};
    const checked = known.check(args);
    if (!checked.valid) {
      throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for tool ${name}: ${checked.errorMessage}`);
    }
    const progressToken = request.params._meta?.progressToken;
    const progress = (update: Progress) =>
      progressToken === undefined
        ? Promise.resolve()
        : extra.sendNotification({ method: 'notifications/progress', params: { ...update, progressToken } });
    const agent = server.getClientVersion();
    const verdict = await gateToolCall(gate, {
      tool: known.tool,
      arguments: args,
      agent: agent === undefined ? null : `${agent.name} ${agent.version}`.trim(),
      signal: extra.signal,
      onWaiting: (pending, polls) => {
        progress({
          progress: polls,
          message: `Waiting for approval in Slack (Greenlight request ${pending.id})`,
        }).catch((error: unknown) => gate.log(`could not send progress: ${String(error)}`));
      },
    });
    if (!verdict.allowed) return { content: [{ type: 'text', text: verdict.text }], isError: true };
    gate.log(`${name}: approved (request ${verdict.request.id}), forwarding`);
    const started = performance.now();
    let failed = true;
    try {
      const result = await client.request(request, CallToolResultSchema, {
        signal: extra.signal,
        timeout: CALL_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
        ...(progressToken === undefined ? {} : { onprogress: (update) => void progress(update).catch(() => {}) }),
      });
      failed = result.isError === true;
      return result;
    } finally {
      // The trail records how the call ended (execution.reported: 0, or 1 for an error), after the agent has its answer.
      const result = { exitCode: failed ? 1 : 0, signal: null, durationMs: Math.round(performance.now() - started) };
      void gate.client
        .reportResult(verdict.request.id, result)
        .catch((error: unknown) =>
          gate.log(`could not report how request ${verdict.request.id} ended: ${String(error)}`),
        );
    }
  });

  // Anything else the agent asks (resources, prompts, completion, logging, ping) goes to the tool server as it is.
  server.fallbackRequestHandler = async (request, extra) =>
    client.request({ method: request.method, params: request.params }, ResultSchema, { signal: extra.signal });
  const forward = (to: Client | Server, side: string) => async (notification: Notification) => {
    try {
      await to.notification(notification);
    } catch (error) {
      gate.log(`could not pass ${notification.method} to the ${side}: ${String(error)}`);
    }
  };
  server.fallbackNotificationHandler = forward(client, 'tool server');
  client.fallbackNotificationHandler = async (notification) => {
    if (notification.method === 'notifications/tools/list_changed') {
      await refreshTools().catch((error: unknown) => gate.log(`could not list the tools again: ${String(error)}`));
    }
    await forward(server, 'agent')(notification);
  };

  let closing: Promise<void> | undefined;
  let ended: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const close = () => {
    closing ??= (async () => {
      await Promise.allSettled([client.close(), server.close()]);
      ended();
    })();
    return closing;
  };
  client.onclose = () => void close();
  server.onclose = () => void close();
  await server.connect(new StdioServerTransport(options.stdin, options.stdout));
  return { closed, close };
}
