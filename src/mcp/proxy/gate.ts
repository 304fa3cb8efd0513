import { randomUUID } from 'node:crypto';
import {
  type GreenlightClient,
  GreenlightError,
  type RequestJson,
  verifyGrant,
  withdrawRequest,
} from '../../client/index.ts';
import { type GateSettings, refusalText, requestFor, type ToolInfo } from './tool-call.ts';

/** How the gate reaches Greenlight. */
export interface GateDeps {
  client: GreenlightClient;
  /** `<service>/.well-known/jwks.json`: grants are verified offline against it before a call runs. */
  jwksUrl: string;
  settings: GateSettings;
  /** Where the proxy's own lines go (stderr: stdout is the MCP channel). */
  log: (line: string) => void;
}

/** One tool call to gate: the tool as listed, its arguments, and the agent's name from `initialize`. */
export interface GatedCall {
  tool: ToolInfo;
  arguments: Record<string, unknown>;
  agent: string | null;
  /** Aborted when the agent cancels the call: the wait ends and the request is withdrawn. */
  signal: AbortSignal;
  /** Called while the call waits for a decision, so the agent's client does not time out. */
  onWaiting?: (request: RequestJson, polls: number) => void;
}

/** The gate's answer: forward the call (its grant spent), or return this text as an `isError` result. */
export type GateVerdict =
  | { allowed: true; request: RequestJson }
  | { allowed: false; request: RequestJson; text: string };

/** How long one long poll waits: short enough that the agent hears progress every 20 s. */
const POLL_SECONDS = 20;

/**
 * Asks Greenlight whether a tool call may run and, once approved, spends its grant: creates the
 * request (`mcp.<server>.<tool>`, arguments bound in the context), waits for the decision when it
 * is held, verifies the grant offline for exactly these arguments (`params_hash` over the context,
 * which carries the arguments' hash) and executes it once — or, when a rule or a standing approval
 * approved it at once, finds it already executed by the create call itself (`executeOnApproval`) and
 * only verifies the spent grant. Only then may the caller forward the call. A refusal of any kind is a verdict with a text for the model; a call cancelled by the agent
 * withdraws its request and rethrows the abort.
 */
export async function gateToolCall(deps: GateDeps, call: GatedCall): Promise<GateVerdict> {
  const body = requestFor(deps.settings, call.tool, call.arguments, call.agent);
  let request: RequestJson = await deps.client.request(body, {
    idempotencyKey: `mcp-proxy-${randomUUID()}`,
    signal: call.signal,
  });
  if (request.status === 'pending') {
    deps.log(`${body.action}: waiting for approval of request ${request.id}`);
    let polls = 0;
    call.onWaiting?.(request, polls);
    try {
      request = await deps.client.wait(request.id, {
        signal: call.signal,
        pollSeconds: POLL_SECONDS,
        onPoll: (now) => {
          polls += 1;
          if (now.status === 'pending') call.onWaiting?.(now, polls);
        },
      });
    } catch (error) {
      if (call.signal.aborted) await withdraw(deps, request.id, 'the agent cancelled the tool call');
      throw error;
    }
  }
  // Approved and spent as it was created (executeOnApproval): verified below, not executed again.
  const spentAtOnce = request.status === 'executed' && request.grant != null;
  const refused = spentAtOnce ? null : refusalText(request, call.tool.name);
  if (refused !== null) {
    deps.log(`${body.action}: not run, request ${request.id} is ${request.status}`);
    return { allowed: false, request, text: refused };
  }
  const token = request.grant?.token;
  if (token === undefined) {
    return { allowed: false, request, text: `Greenlight approved request ${request.id} but sent no grant: not run.` };
  }
  try {
    await verifyGrant(token, {
      jwksUrl: deps.jwksUrl,
      expect: {
        action: body.action,
        // A rule with `resourceFrom` may have named the resource from the arguments: the request says which.
        resource: request.resource,
        environment: body.environment ?? null,
        params: body.context,
        requestId: request.id,
      },
    });
  } catch (error) {
    // A grant spent at creation cannot be withdrawn: the call is simply not forwarded.
    if (!spentAtOnce) await withdraw(deps, request.id, 'the grant failed verification in greenlight mcp-proxy');
    throw error;
  }
  if (spentAtOnce) return { allowed: true, request };
  try {
    request = await deps.client.execute(request.id, token);
  } catch (error) {
    if (error instanceof GreenlightError && ['revoked', 'lapsed', 'already_executed'].includes(error.code)) {
      return { allowed: false, request, text: `${error.message}. The call to ${call.tool.name} was not run.` };
    }
    throw error;
  }
  return { allowed: true, request };
}

/** Withdraws a request whose call will not be forwarded; a failure is logged, never thrown over the error being handled. */
async function withdraw(deps: GateDeps, id: string, reason: string): Promise<void> {
  try {
    await withdrawRequest(deps.client, id, reason);
  } catch (error) {
    deps.log(`could not withdraw request ${id}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
