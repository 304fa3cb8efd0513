import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  ErrorCode,
  ListToolsRequestSchema,
  ListToolsResultSchema,
  McpError,
  type Progress,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { type GateDeps, gateToolCall } from './gate.ts';

/** A forwarded call may run long: the downstream's answer is awaited this long, counted afresh on each progress. */
const CALL_TIMEOUT_MS = 10 * 60_000;

/** The tool server's tools by name, each with its compiled input schema, as last listed. */
export class ToolCatalog {
  private readonly validator = new AjvJsonSchemaValidator();
  private tools = new Map<string, { tool: Tool; check: JsonSchemaValidator<unknown> }>();

  constructor(private readonly client: Client) {}

  /** Replaces the catalog with a complete listing. */
  replace(tools: readonly Tool[]): void {
    this.tools = new Map(
      tools.map((tool) => [tool.name, { tool, check: this.validator.getValidator(tool.inputSchema) }]),
    );
  }

  /** Lists every page of the tool server's tools again. */
  async refresh(): Promise<void> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.request(
        { method: 'tools/list', params: cursor === undefined ? {} : { cursor } },
        ListToolsResultSchema,
      );
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    this.replace(tools);
  }

  /** A tool by name, listing again once when it is unknown (the server may have added it since). */
  async find(name: string): Promise<{ tool: Tool; check: JsonSchemaValidator<unknown> } | undefined> {
    if (!this.tools.has(name)) await this.refresh();
    return this.tools.get(name);
  }
}

/**
 * Answers the agent's `tools/list` with the tool server's own answer, and puts every `tools/call`
 * through the gate: an unknown tool or arguments failing the tool's input schema are MCP errors
 * (nothing asked); a refused call is an `isError` result with the gate's text; an approved one is
 * forwarded with progress and cancellation passed through, and how it ended is reported.
 */
export function gateTools(server: Server, client: Client, gate: GateDeps, catalog: ToolCatalog): void {
  server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
    const listed = await client.request(request, ListToolsResultSchema, { signal: extra.signal });
    if (request.params?.cursor === undefined && listed.nextCursor === undefined) catalog.replace(listed.tools);
    return listed;
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name } = request.params;
    const known = await catalog.find(name);
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
}
