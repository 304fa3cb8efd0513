import { createRequire } from 'node:module';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI } from './cli-process.ts';
import { API_KEY, REQUESTER } from './lifecycle.ts';

/** The reference filesystem MCP server from npm, run by the same node as the tests. */
export const FILESYSTEM_SERVER = createRequire(import.meta.url).resolve(
  '@modelcontextprotocol/server-filesystem/dist/index.js',
);

/**
 * An MCP client transport that starts the built `greenlight mcp-proxy` with `args` (after
 * `mcp-proxy`), asking the service at `baseUrl` with the lifecycle `ci` key for the lifecycle requester.
 */
export function proxyTransport(baseUrl: string, args: string[], stderr: 'pipe' | 'ignore' = 'ignore') {
  return new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp-proxy', ...args],
    env: {
      PATH: process.env.PATH ?? '',
      GREENLIGHT_URL: baseUrl,
      GREENLIGHT_API_KEY: API_KEY,
      GREENLIGHT_REQUESTER: REQUESTER,
    },
    stderr,
  });
}
