import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { AppUnderTest } from './harness.ts';
import { API_KEY } from './lifecycle.ts';

/** The MCP client the tests connect as (what the card's "via …" names). */
export const MCP_CLIENT_INFO = { name: 'test-agent', version: '1.0.3' };

/** The SDK's own client, connected to the app's /mcp with `key` (default: the `ci` key). */
export async function connectMcp(
  t: AppUnderTest,
  key: string | null = API_KEY,
  info: { name: string; version: string; title?: string } = MCP_CLIENT_INFO,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), {
    requestInit: { headers: key === null ? {} : { authorization: `Bearer ${key}` } },
  });
  const client = new Client(info);
  await client.connect(transport);
  return { client, transport };
}

/** An `initialize` request as a client sends it first, asking for `protocolVersion`. */
export function initializeMessage(protocolVersion: string = LATEST_PROTOCOL_VERSION) {
  return {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: MCP_CLIENT_INFO },
  };
}

/** One raw JSON-RPC message POSTed to /mcp (no SDK), with `key` (default: the `ci` key) and a session id. */
export function postMcp(
  t: AppUnderTest,
  message: object,
  options: { key?: string | null; session?: string } = {},
): Promise<Response> {
  const key = options.key === undefined ? API_KEY : options.key;
  return fetch(`${t.baseUrl}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(options.session === undefined ? {} : { 'mcp-session-id': options.session }),
    },
    body: JSON.stringify(message),
  });
}
