import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
