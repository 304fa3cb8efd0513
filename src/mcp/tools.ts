import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ClientActor } from '../domain/actor.ts';
import { type ApiKeyScope, scopeAllows } from '../domain/api-key-scope.ts';
import { AppError } from '../errors.ts';
import type { CoreDeps } from '../services/ports.ts';
import { cancelRequest } from '../services/requests/cancel.ts';
import { createForClient } from '../services/requests/create-for-client.ts';
import { executeRequest } from '../services/requests/execute.ts';
import { readOwnRequest, waitWhilePending } from '../services/requests/follow.ts';
import { agentRequestSchema, checkInput, ZCancelBody, ZContext, ZExecuteBody } from '../services/requests/input.ts';
import type { RequestRow } from '../services/requests/store/reads.ts';
import { approvalAnswer, toolAnswer, toolRefusal, ZApprovalAnswer } from './answer.ts';

/** The longest an MCP call may wait for a decision, in seconds (progress keeps the client from timing out). */
export const MAX_MCP_WAIT_SECONDS = 600;
/** How often a waiting call tells the client it is still waiting, when nothing else happens. */
export const PROGRESS_EVERY_MS = 5000;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Who is calling: the API client whose key authenticated this HTTP request (routes.ts puts it in authInfo). */
export interface McpCaller {
  actor: ClientActor;
  scope: ApiKeyScope;
}

/** The MCP client as it named itself in `initialize` (for the card and the request row). */
export type McpClientInfo = { name: string; version: string } | null;

const ZRequestId = z.uuid({ error: 'must be a request id (a UUID) from request_approval' });
const ZWaitSeconds = z
  .int({ error: 'must be a whole number of seconds' })
  .min(0)
  .max(MAX_MCP_WAIT_SECONDS, `must be at most ${MAX_MCP_WAIT_SECONDS}`);

function callerOf(extra: Extra): McpCaller {
  const info = extra.authInfo;
  const name = info?.extra?.clientName;
  if (info === undefined || typeof name !== 'string') throw new AppError('unauthorized', 'missing API key');
  return { actor: { type: 'service', id: name, clientId: info.clientId }, scope: info.scopes[0] as ApiKeyScope };
}

/**
 * Sends `notifications/progress` while a call waits, when the client asked for it (a progressToken):
 * elapsed seconds of the wait, which only grow, so clients that reset their timeout on progress keep waiting.
 */
function progressReporter(extra: Extra, totalSeconds: number) {
  const token = extra._meta?.progressToken;
  const started = Date.now();
  let last = -1;
  return async (request: RequestRow): Promise<void> => {
    if (token === undefined) return;
    const progress = Math.max((Date.now() - started) / 1000, last + 0.001);
    last = progress;
    const approvals = request.votes.filter((vote) => vote.decision === 'approve').length;
    await extra.sendNotification({
      method: 'notifications/progress',
      params: {
        progressToken: token,
        progress,
        total: totalSeconds,
        message: `Waiting for a decision in Slack: ${approvals} of ${request.requiredApprovals} approval(s) so far`,
      },
    });
  };
}

/**
 * Waits up to `seconds` for a decision on the caller's request, with progress; ends early when the
 * client cancels the call (`extra.signal`) — which leaves the request as it is.
 */
async function waitForDecision(
  deps: CoreDeps,
  request: RequestRow,
  caller: McpCaller,
  seconds: number,
  extra: Extra,
): Promise<RequestRow> {
  if (seconds === 0 || request.status !== 'pending') return request;
  const report = progressReporter(extra, seconds);
  await report(request);
  return waitWhilePending(deps, request, () => readOwnRequest(deps, request.id, caller.actor, false), {
    until: Date.now() + seconds * 1000,
    signal: extra.signal,
    quietMs: PROGRESS_EVERY_MS,
    onQuiet: report,
    onChange: report,
  });
}

/**
 * Registers Greenlight's tools on `server`. Each goes through the same services as the REST routes
 * (create, read own, cancel, execute), needs the scope its REST route needs, and answers a sentence
 * plus `structuredContent` matching ZApprovalAnswer. A refused call (not found, not yours, already
 * decided, a grant already spent) is a tool error (`isError: true`) with the reason; arguments that
 * fail the schema are refused by the SDK before any of this runs.
 */
export function registerApprovalTools(server: McpServer, deps: CoreDeps, clientInfo: () => McpClientInfo): void {
  const createSchema = agentRequestSchema(deps.config);
  const answer = async (request: RequestRow) => toolAnswer(await approvalAnswer(deps, request));
  /** Runs a tool body for a caller whose key has `scope`; refusals become tool errors. */
  const run =
    <A>(scope: ApiKeyScope, body: (args: A, caller: McpCaller, extra: Extra) => Promise<RequestRow>) =>
    async (args: A, extra: Extra): Promise<CallToolResult> => {
      try {
        const caller = callerOf(extra);
        if (!scopeAllows(caller.scope, scope)) {
          throw new AppError('forbidden', `this API key is ${caller.scope}-scoped; ${scope} keys only`);
        }
        return await answer(await body(args, caller, extra));
      } catch (error) {
        return toolRefusal(deps, error);
      }
    };

  server.registerTool(
    'request_approval',
    {
      title: 'Request approval',
      description:
        'Asks people in Slack to approve a dangerous action before you perform it (the same request as POST /api/v1/requests). With wait_seconds, waits for the decision and reports progress; otherwise answers pending at once. On approval the answer carries a grant token: spend it with execute_grant, then act. On deny it says who denied and why — change course accordingly.',
      inputSchema: createSchema.safeExtend({
        // ZContext checks an unknown value, which JSON Schema would show as "anything": say what it takes.
        context: ZContext.default({}).meta({
          type: 'object',
          additionalProperties: { type: ['string', 'number', 'boolean'] },
          maxProperties: 50,
        }),
        wait_seconds: ZWaitSeconds.optional().meta({
          description: `Seconds to wait for a decision (0–${MAX_MCP_WAIT_SECONDS}; default 0: answer pending at once).`,
        }),
      }),
      outputSchema: ZApprovalAnswer,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    run('request', async (args, caller, extra) => {
      const { wait_seconds: waitSeconds = 0, ...fields } = args;
      // The storable-text check the REST route makes on top of the schema (NUL, lone surrogates).
      const checked = checkInput(createSchema, fields);
      if (!checked.success) throw new AppError('validation_failed', 'the arguments are invalid', checked.problems);
      const { request } = await createForClient(
        deps,
        checked.data,
        { actor: caller.actor },
        { mcpClient: clientInfo() },
      );
      return waitForDecision(deps, request, caller, waitSeconds, extra);
    }),
  );

  server.registerTool(
    'get_approval',
    {
      title: 'Get approval',
      description:
        'Reads where one of your approval requests stands now (pending, approved with its grant, denied with who and why, …).',
      inputSchema: z.object({ request_id: ZRequestId }).strict(),
      outputSchema: ZApprovalAnswer,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run('request', ({ request_id }, caller) => readOwnRequest(deps, request_id, caller.actor, true)),
  );

  server.registerTool(
    'wait_for_approval',
    {
      title: 'Wait for approval',
      description:
        'Waits for the decision on one of your pending approval requests, up to wait_seconds, with progress notifications; answers at once when it is already decided. Cancelling this call stops the wait, not the request.',
      inputSchema: z
        .object({
          request_id: ZRequestId,
          wait_seconds: ZWaitSeconds.default(60).meta({
            description: `Seconds to wait (0–${MAX_MCP_WAIT_SECONDS}; default 60).`,
          }),
        })
        .strict(),
      outputSchema: ZApprovalAnswer,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run('request', async ({ request_id, wait_seconds }, caller, extra) => {
      const request = await readOwnRequest(deps, request_id, caller.actor, true);
      return waitForDecision(deps, request, caller, wait_seconds, extra);
    }),
  );

  server.registerTool(
    'cancel_approval',
    {
      title: 'Cancel approval request',
      description:
        'Withdraws one of your pending approval requests (it can no longer be approved). Refused when it is already decided.',
      inputSchema: z.object({ request_id: ZRequestId, reason: ZCancelBody.shape.reason }).strict(),
      outputSchema: ZApprovalAnswer,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    run('request', ({ request_id, reason }, caller) =>
      cancelRequest(deps, { requestId: request_id, actor: caller.actor, reason: reason || null }),
    ),
  );

  server.registerTool(
    'execute_grant',
    {
      title: 'Execute grant',
      description:
        'Spends the grant of one of your approved requests, once, right before you perform the action: it records the execution and refuses a second spend, a revoked or lapsed grant, and any other token.',
      inputSchema: z.object({ request_id: ZRequestId, grant: ZExecuteBody.shape.grant }).strict(),
      outputSchema: ZApprovalAnswer,
      // Records that the action ran; it changes no data of yours, but a spent grant cannot be spent again.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    run('request', ({ request_id, grant }, caller) =>
      executeRequest(deps, { requestId: request_id, actor: caller.actor, token: grant }),
    ),
  );
}
