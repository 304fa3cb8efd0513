import { readFileSync } from 'node:fs';
import { audit } from './commands/audit.ts';
import { mcpProxy } from './commands/mcp-proxy.ts';
import { rules } from './commands/rules.ts';
import { run } from './commands/run.ts';
import { status } from './commands/status.ts';
import { verify } from './commands/verify.ts';
import { wait } from './commands/wait.ts';
import { EXIT } from './exit-codes.ts';
import { type Io, say } from './io.ts';
import { exitOf } from './outcome.ts';

/** `greenlight --help`. */
export const USAGE = `Usage: greenlight <command> [options]

Commands:
  run      ask for approval, wait, then run a command under the grant
  wait     wait for a request's decision and print its grant
  status   show a request
  verify   check a grant token offline
  audit    audit verify: check the service's audit trail (admin keys)
  rules    rules export | rules apply <file> [--dry-run]: routing rules as code (admin keys)
  mcp-proxy  gate an MCP server's tool calls: greenlight mcp-proxy --name NAME -- <server command>

Settings (flags win over the environment):
  GREENLIGHT_URL         --url        the Greenlight service, e.g. https://greenlight.example.com
  GREENLIGHT_API_KEY     --api-key    an API key from the service's SERVICE_API_KEYS
  GREENLIGHT_REQUESTER   --requester  who asks: a Slack user id or e-mail (run)

Run "greenlight <command> --help" for a command's options and exit codes.
`;

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  run,
  wait,
  status,
  verify,
  audit,
  rules,
  'mcp-proxy': mcpProxy,
};

/** The package version, read from package.json next to src/ or dist/. */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The `greenlight` CLI: dispatches to a command and turns whatever it throws into a message on
 * stderr (`greenlight: …`) and an exit code (see exit-codes.ts). Returns the exit code.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    say(io, `unknown command ${JSON.stringify(name)}; run greenlight --help`);
    return EXIT.usage;
  }
  try {
    return await command(args, io);
  } catch (error) {
    const exit = exitOf(error);
    say(io, exit.message);
    if (exit.code === EXIT.usage) say(io, `see greenlight ${name} --help`);
    return exit.code;
  }
}
