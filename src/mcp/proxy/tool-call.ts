import type { ContextValue, CreateRequestInput, RequestJson, Risk } from '../../client/index.ts';
import { argumentsSha256, type McpCall, mcpContextEntries, valueAt } from '../../domain/mcp-hints.ts';

/** What the proxy knows of a downstream tool: its `tools/list` entry, as the server sent it. */
export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  annotations?: {
    title?: string;
    readOnlyHint?: boolean;
    destructiveHint?: boolean;
    idempotentHint?: boolean;
    openWorldHint?: boolean;
  };
}

/** The fixed part of every request the proxy asks for: who it is for and where it comes from. */
export interface GateSettings {
  /** The `--name` of the downstream server: actions are `mcp.<server>.<tool>`. */
  server: string;
  requester: CreateRequestInput['requester'];
  environment?: string;
  /** A dot path into the arguments whose value becomes the resource (`path`, `repo.name`). */
  resourceFrom?: string;
  /** The resource when `resourceFrom` finds nothing: `--resource`, else the server's name. */
  resource?: string;
}

/** Characters an action may hold besides letters and digits (see ZAction); anything else in a tool name becomes `_`. */
const ACTION_UNSAFE = /[^A-Za-z0-9_.:/-]/g;
/** A server name must be usable as one segment of an action, with no glob characters. */
export const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The action a call of `tool` on `server` is asked as: `mcp.<server>.<tool>`. */
export function actionOf(server: string, tool: string): string {
  return `mcp.${server}.${tool.replace(ACTION_UNSAFE, '_')}`.slice(0, 200);
}

/**
 * The risk a tool's annotations say, as the MCP specification defines their defaults: a read-only
 * tool is low; one that declares itself not destructive is medium; anything else — destructive, or
 * silent about it, which the specification says to assume destructive — is high.
 */
export function riskOf(tool: ToolInfo): Risk {
  const hints = tool.annotations ?? {};
  if (hints.readOnlyHint === true) return 'low';
  if (hints.destructiveHint === false) return 'medium';
  return 'high';
}

/** Argument keys whose values are never shown: these words anywhere in the key, in any case… */
const SECRET_WORD =
  /passw(or)?d|passphrase|^pass$|token|secret|api[-_]?key|private[-_]?key|auth|cookie|credential|session/i;
/** …and keys ending in a separate word "key" (`key`, `ssh_key`, `SSH_KEY`, `sshKey`), not `monkey`. */
const KEY_WORD = /(^|[-_.\s])key$/i;
const CAMEL_KEY = /[a-z0-9]Key$/;

/** Whether an argument's value is a secret, by its key's name. */
export function isSecretKey(key: string): boolean {
  return SECRET_WORD.test(key) || KEY_WORD.test(key) || CAMEL_KEY.test(key);
}
export const MASKED = '•••••• (masked)';
/** The longest string value shown in full, and how many array items or object keys are shown per level. */
const MAX_STRING = 200;
const MAX_ITEMS = 25;
const MAX_DEPTH = 6;
/** A context value holds at most 2000 characters; leave room for the line saying it was cut. */
const MAX_SHOWN = 1900;

/** A string cut to `max` code points, saying how much was left out. */
function shorten(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, max).join('')}… (${points.length - max} more characters)`;
}

/** The arguments as shown to approvers: secrets masked by key name, long strings and lists cut. */
export function displayValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return shorten(value, MAX_STRING);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[… ${value.length} items]` : '{…}';
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_ITEMS).map((item) => displayValue(item, depth + 1));
    return value.length > MAX_ITEMS ? [...shown, `… ${value.length - MAX_ITEMS} more items`] : shown;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const shown = entries
    .slice(0, MAX_ITEMS)
    .map(([key, item]) => [key, isSecretKey(key) ? MASKED : displayValue(item, depth + 1)] as const);
  if (entries.length > MAX_ITEMS) shown.push([`…`, `${entries.length - MAX_ITEMS} more keys`]);
  return Object.fromEntries(shown);
}

/** Pretty JSON of the shown arguments, within one context value's limit. */
export function showArguments(args: Record<string, unknown>): string {
  const pretty = JSON.stringify(displayValue(args), null, 2);
  if (pretty.length <= MAX_SHOWN) return pretty;
  return `${pretty.slice(0, MAX_SHOWN)}\n… (cut: ${pretty.length} characters in all)`;
}

/**
 * The request a tool call is asked as. Its context shows the tool, its description, annotations and
 * arguments, and binds the exact arguments through `mcp.arguments_sha256` (SHA-256 of their
 * canonical JSON): the grant's params hash covers the context, so a grant approved for these
 * arguments verifies for no other, even where the shown arguments were masked or cut.
 */
export function requestFor(
  settings: GateSettings,
  tool: ToolInfo,
  args: Record<string, unknown>,
  agent: string | null,
): CreateRequestInput & { context: Record<string, ContextValue>; mcp: McpCall } {
  const hints = tool.annotations ?? {};
  const mcp: McpCall = {
    server: settings.server,
    tool: tool.name,
    annotations: {
      readOnlyHint: hints.readOnlyHint,
      destructiveHint: hints.destructiveHint,
      idempotentHint: hints.idempotentHint,
      openWorldHint: hints.openWorldHint,
    },
    argumentsSha256: argumentsSha256(args),
  };
  // The service writes the same mcp.* entries from the `mcp` field; the proxy needs them to verify the grant.
  const { 'mcp.arguments_sha256': sha, ...named } = mcpContextEntries(mcp);
  const context: Record<string, ContextValue> = { ...named };
  const description = tool.description ?? tool.annotations?.title ?? tool.title;
  if (description !== undefined && description.trim() !== '') {
    context['mcp.description'] = shorten(description.trim(), 400);
  }
  context['mcp.arguments'] = showArguments(args);
  context['mcp.arguments_sha256'] = sha as string;
  if (agent !== null) context['mcp.agent'] = agent.slice(0, 200);
  const resource =
    (settings.resourceFrom === undefined ? null : valueAt(args, settings.resourceFrom)) ??
    settings.resource ??
    settings.server;
  return {
    action: actionOf(settings.server, tool.name),
    resource,
    reason: `${agent ?? 'An MCP client'} calls the tool ${tool.name} of ${settings.server} through greenlight mcp-proxy`,
    requester: settings.requester,
    risk: riskOf(tool),
    ...(settings.environment === undefined ? {} : { environment: settings.environment }),
    context,
    // An automatic approval is spent in the same call: the proxy forwards after one round trip.
    executeOnApproval: true,
    // The arguments go along for rules with `resourceFrom` (the service reads them for routing, never stores them).
    mcp: { ...mcp, arguments: args },
  };
}

/** Who ended a request, in words a model can act on. */
function byWhom(actor: { type: string; id?: string } | null | undefined, by: string | null | undefined): string {
  if (actor?.type === 'rule') return `the Greenlight rule "${actor.id ?? by ?? 'unnamed'}"`;
  if (actor?.type === 'user' || actor?.type === 'service') return actor.id ?? by ?? 'an approver';
  return by ?? 'Greenlight';
}

/**
 * The tool result text for a call that will not run, written for the model: who refused it and
 * why, and that nothing was done. Null for an approved request.
 */
export function refusalText(request: RequestJson, tool: string): string | null {
  const { decision, grantEnd } = request;
  const reason = (text: string | null | undefined) => (text ? `: ${text}` : '');
  const notRun = `The call to ${tool} was not run (Greenlight request ${request.id}).`;
  switch (request.status) {
    case 'approved':
      return null;
    case 'denied':
      return `Denied by ${byWhom(decision?.actor, decision?.by)}${reason(decision?.reason)}. ${notRun}`;
    case 'expired':
      return `Nobody approved this call in time: the approval request expired. ${notRun}`;
    case 'cancelled':
      return `The approval request was cancelled by ${byWhom(decision?.actor, decision?.by)}${reason(decision?.reason)}. ${notRun}`;
    case 'revoked':
      return `The approval was revoked by ${byWhom(grantEnd?.actor, grantEnd?.by)}${reason(grantEnd?.reason)}. ${notRun}`;
    case 'lapsed':
      return `The approval lapsed before it was used. ${notRun}`;
    case 'executed':
      return `The approval was already used once and cannot be used again. ${notRun}`;
    case 'pending':
      return `No decision yet: stopped waiting. ${notRun}`;
  }
}
