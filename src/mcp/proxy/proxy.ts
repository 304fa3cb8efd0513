import type { Readable, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Notification, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { GateDeps } from './gate.ts';
import { gateTools, ToolCatalog } from './gate-tools.ts';

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
  const server = new Server(info, { capabilities, ...(instructions === undefined ? {} : { instructions }) });

  const catalog = new ToolCatalog(client);
  if (capabilities.tools !== undefined) {
    await catalog.refresh();
    gateTools(server, client, gate, catalog);
  }

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
      await catalog.refresh().catch((error: unknown) => gate.log(`could not list the tools again: ${String(error)}`));
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
  const stdin = options.stdin ?? process.stdin;
  // The SDK's stdio transport does not notice the agent going away; its stdin ending says so.
  stdin.once('end', () => void close());
  await server.connect(new StdioServerTransport(stdin, options.stdout));
  return { closed, close };
}
