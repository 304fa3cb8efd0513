import { type ContextValue, hashJson } from './params-hash.ts';

/** The behaviour hints an MCP tool declares in its `annotations` (all optional, all untrusted hints). */
export interface McpHints {
  readOnlyHint?: boolean | undefined;
  destructiveHint?: boolean | undefined;
  idempotentHint?: boolean | undefined;
  openWorldHint?: boolean | undefined;
}

export const MCP_HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

/**
 * What the MCP specification says to assume of a tool silent about a hint: it may write
 * (not read-only), destructively, not idempotently, and reach the open world.
 */
const SPEC_DEFAULTS: Required<McpHints> = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

/**
 * A tool's hints with the specification's defaults filled in for the ones it does not declare. The
 * specification gives `destructiveHint` and `idempotentHint` meaning only when `readOnlyHint` is
 * false: a read-only tool is read as neither destructive nor anything but idempotent.
 */
export function effectiveHints(declared: McpHints): Required<McpHints> {
  const hints = { ...SPEC_DEFAULTS };
  for (const name of MCP_HINTS) {
    const value = declared[name];
    if (typeof value === 'boolean') hints[name] = value;
  }
  if (hints.readOnlyHint) return { ...hints, destructiveHint: false, idempotentHint: true };
  return hints;
}

/** Whether every hint a rule names has that value in the tool's effective hints. */
export function hintsMatch(wanted: McpHints, declared: McpHints): boolean {
  const effective = effectiveHints(declared);
  return MCP_HINTS.every((name) => wanted[name] === undefined || wanted[name] === effective[name]);
}

/** The declared hints as one compact line (`readOnlyHint=false destructiveHint=true`), or null when none is. */
export function hintsLine(declared: McpHints): string | null {
  const named = MCP_HINTS.filter((name) => typeof declared[name] === 'boolean');
  return named.length === 0 ? null : named.map((name) => `${name}=${String(declared[name])}`).join(' ');
}

/** What a request says about the MCP tool call it stands for (the request API's `mcp` field). */
export interface McpCall {
  /** The `--name` of the tool server (`github`). */
  server: string;
  /** The tool's name as the server lists it. */
  tool: string;
  annotations: McpHints;
  /** SHA-256 (hex) of the arguments' canonical JSON: the grant's params hash covers it. */
  argumentsSha256: string;
}

/**
 * The context entries a request about an MCP tool call carries, so the card shows the tool and the
 * grant's params hash binds the exact arguments. The service writes them from the `mcp` field, and
 * `greenlight mcp-proxy` computes the same ones to verify the grant offline.
 */
export function mcpContextEntries(call: McpCall): Record<string, ContextValue> {
  const line = hintsLine(call.annotations);
  return {
    'mcp.server': call.server,
    'mcp.tool': call.tool,
    ...(line === null ? {} : { 'mcp.annotations': line }),
    'mcp.arguments_sha256': call.argumentsSha256,
  };
}

/** SHA-256 of a tool call's arguments, as `mcp.argumentsSha256` carries it. */
export function argumentsSha256(args: Record<string, unknown>): string {
  return hashJson(args);
}

/** A rule's argument path (`arguments.repo.name`): `arguments` and then one or more keys. */
export const ARGUMENT_PATH = /^arguments(\.[A-Za-z0-9_$-]{1,100}){1,8}$/;

/** The value at a dot path inside the arguments (`arguments.path`, `repo.name`), when it is a non-empty scalar. */
export function valueAt(args: Record<string, unknown>, path: string): string | null {
  let at: unknown = args;
  for (const part of path.replace(/^arguments\./, '').split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) return null;
    at = (at as Record<string, unknown>)[part];
  }
  if (typeof at === 'string' && at.trim() !== '') return at.trim().slice(0, 500);
  if (typeof at === 'number' || typeof at === 'boolean') return String(at);
  return null;
}
