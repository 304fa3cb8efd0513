import { createClient } from '../../../client/index.ts';
import type { Downstream } from '../../../mcp/proxy/proxy.ts';
import { type GateSettings, SERVER_NAME } from '../../../mcp/proxy/tool-call.ts';
import { listFlag, parseFlags, stringFlag } from '../args.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { type Io, say } from '../io.ts';
import { apiKey, jwksUrlOf, requester, serviceUrl } from '../settings.ts';

/** `greenlight mcp-proxy --help`. */
export const MCP_PROXY_USAGE = `Usage: greenlight mcp-proxy --name NAME [options] -- <command> [args…]
       greenlight mcp-proxy --name NAME --url https://tools.example.com/mcp [options]

An MCP server on stdin/stdout that gates another MCP server's tools. It lists the tool server's
tools unchanged; each tools/call is asked of Greenlight as the action mcp.NAME.TOOL, with the
tool's annotations as its risk (readOnlyHint → low, destructiveHint false → medium, else high) and
its arguments on the card. Calls the rules approve run at once; held ones run only after approval,
with a grant for exactly these arguments, spent once. A refused call answers the model with an
isError result saying who refused it and why. Log lines go to stderr.

Options:
  --name NAME             the tool server's name in actions (letters, digits, _ and -) (required)
  --url URL               a Streamable HTTP tool server instead of a command after --
  --header "K: V"         an HTTP header for the --url tool server (repeatable)
  --resource-from PATH    the argument whose value is the request's resource, e.g. path or repo.name
  --resource R            the resource when --resource-from finds nothing (default: NAME)
  --environment E         e.g. production
  --requester WHO         Slack user id or e-mail the calls are asked for (or GREENLIGHT_REQUESTER)
  --service-url URL       the Greenlight service (or GREENLIGHT_URL)
  --api-key KEY           an API key (or GREENLIGHT_API_KEY)
  -h, --help              this help

Exit codes: 0 when the agent or the tool server ended the session; 64 bad usage; 69 the tool server
could not be started or reached.
`;

const OPTIONS = {
  name: { type: 'string' },
  url: { type: 'string' },
  header: { type: 'string', multiple: true },
  'resource-from': { type: 'string' },
  resource: { type: 'string' },
  environment: { type: 'string' },
  requester: { type: 'string' },
  'service-url': { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Variables the tool server never sees: the API key and the proxy's other settings are Greenlight's, not its. */
const PRIVATE_ENV = /^GREENLIGHT_/;

/** Everything `mcp-proxy` needs, checked before anything starts. */
export interface ProxyPlan {
  serviceUrl: string;
  apiKey: string;
  downstream: Downstream;
  settings: GateSettings;
}

function headersOf(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(':');
    if (at <= 0) throw new UsageError(`--header must be "Name: value", not ${JSON.stringify(line)}`);
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

function downstreamOf(url: string | undefined, headers: string[], command: string[] | null, io: Io): Downstream {
  if (url !== undefined && command !== null) throw new UsageError('give either --url or a command after --, not both');
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`--url must be an http(s) URL, not ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UsageError(`--url must be an http(s) URL, not ${JSON.stringify(url)}`);
    }
    return { kind: 'http', url: parsed, headers: headersOf(headers) };
  }
  const [program, ...args] = command ?? [];
  if (program === undefined) {
    throw new UsageError(
      'no tool server: put its command after --, e.g. -- npx @modelcontextprotocol/server-filesystem .',
    );
  }
  if (headers.length > 0) throw new UsageError('--header applies to a --url tool server only');
  const env = Object.fromEntries(
    Object.entries(io.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !PRIVATE_ENV.test(entry[0]),
    ),
  );
  return { kind: 'stdio', command: program, args, env };
}

/** Reads and checks the flags of `mcp-proxy` (UsageError on anything wrong); null when help was asked for. */
export function planProxy(argv: string[], io: Io): ProxyPlan | null {
  const { values, positionals, rest } = parseFlags(argv, OPTIONS);
  if (values.help === true) return null;
  if (positionals.length > 0) {
    throw new UsageError(`unexpected ${JSON.stringify(positionals[0])}: put the tool server's command after --`);
  }
  const name = stringFlag(values, 'name')?.trim();
  if (name === undefined || name === '')
    throw new UsageError('--name is required (the tool server, as in mcp.NAME.TOOL)');
  if (!SERVER_NAME.test(name)) {
    throw new UsageError(`--name may hold only letters, digits, _ and - (at most 64), not ${JSON.stringify(name)}`);
  }
  const environment = stringFlag(values, 'environment')?.trim();
  const resourceFrom = stringFlag(values, 'resource-from')?.trim();
  const resource = stringFlag(values, 'resource')?.trim();
  return {
    serviceUrl: serviceUrl({ url: stringFlag(values, 'service-url') }, io),
    apiKey: apiKey(values, io),
    downstream: downstreamOf(stringFlag(values, 'url'), listFlag(values, 'header'), rest, io),
    settings: {
      server: name,
      requester: requester(values, io),
      ...(environment ? { environment } : {}),
      ...(resourceFrom ? { resourceFrom } : {}),
      ...(resource ? { resource } : {}),
    },
  };
}

/** `greenlight mcp-proxy`: see {@link MCP_PROXY_USAGE}. Runs until either side ends the session. */
export async function mcpProxy(argv: string[], io: Io): Promise<number> {
  const plan = planProxy(argv, io);
  if (plan === null) {
    io.stdout.write(MCP_PROXY_USAGE);
    return EXIT.ok;
  }
  const log = (line: string) => say(io, `mcp-proxy: ${line}`);
  // Loaded here, not at the top: the MCP SDK is heavy, and the other commands start without it.
  const { startProxy } = await import('../../../mcp/proxy/proxy.ts');
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  try {
    proxy = await startProxy({
      downstream: plan.downstream,
      gate: {
        client: createClient({ baseUrl: plan.serviceUrl, apiKey: plan.apiKey }),
        jwksUrl: jwksUrlOf(plan.serviceUrl),
        settings: plan.settings,
        log,
      },
    });
  } catch (error) {
    log(`could not start the tool server: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.unavailable;
  }
  log(`gating the tools of ${plan.settings.server} through ${plan.serviceUrl}`);
  const stop = () => void proxy.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await proxy.closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return EXIT.ok;
}
