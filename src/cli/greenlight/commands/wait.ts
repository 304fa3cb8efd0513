import { checkGrantClaims, verifyGrantSignature } from '../../../client/index.ts';
import { parseCommand, SERVICE_FLAGS, stringFlag } from '../args.ts';
import { awaitDecision } from '../await-decision.ts';
import { parseDuration } from '../duration.ts';
import { CliExit, EXIT, UsageError } from '../exit-codes.ts';
import { Interrupted, watchInterrupts } from '../interrupts.ts';
import { type Io, say } from '../io.ts';
import { refusalOf } from '../outcome.ts';
import { clientFor, jwksUrlOf } from '../settings.ts';

/** `greenlight wait --help`. */
export const WAIT_USAGE = `Usage: greenlight wait <request id> [--wait DURATION] [--url URL] [--api-key KEY]

Waits for a request's decision. When approved, verifies the grant's signature offline and prints
the grant token on stdout. Only watches: it never cancels the request (greenlight run does).

Options:
  --wait DURATION   give up after 90s / 15m / 1h / seconds (default: until the request expires)
  --url URL         the service (or GREENLIGHT_URL)
  --api-key KEY     an API key (or GREENLIGHT_API_KEY)
  -h, --help        this help

Exit codes: 0 approved (token on stdout); 64 bad usage; 69 service unreachable or refusing, or the
grant does not verify; 75 expired, cancelled, revoked, lapsed or already executed; 77 denied;
124 --wait ran out; 130 Ctrl-C.
`;

const OPTIONS = { wait: { type: 'string' }, ...SERVICE_FLAGS } as const;

/** `greenlight wait`: see {@link WAIT_USAGE}. */
export async function wait(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, OPTIONS, WAIT_USAGE, io);
  if (parsed === null) return EXIT.ok;
  const { values, words } = parsed;
  if (words.length !== 1) throw new UsageError('give exactly one request id: greenlight wait <id>');
  const id = words[0] as string;
  const waitFlag = stringFlag(values, 'wait');
  const waitSeconds = waitFlag === undefined ? null : parseDuration('wait', waitFlag);
  const { client, url } = clientFor(values, io);

  const interrupts = watchInterrupts();
  let request: Awaited<ReturnType<typeof client.get>>;
  try {
    const waitUntil = waitSeconds === null ? null : Date.now() + waitSeconds * 1000;
    request = await awaitDecision(client, io, await client.get(id), { waitUntil, signal: interrupts.signal });
  } catch (error) {
    if (error instanceof Interrupted) throw new CliExit(error.exitCode, `interrupted: request ${id} left as it is`);
    throw error;
  } finally {
    interrupts.stop();
  }
  const refusal = refusalOf(request);
  if (refusal !== null) throw refusal;
  const token = request.grant?.token;
  if (token === undefined)
    throw new CliExit(EXIT.unavailable, `request ${id} is approved but the service sent no grant`);
  checkGrantClaims(await verifyGrantSignature(token, { jwksUrl: jwksUrlOf(url) }), { requestId: request.id });
  say(io, `request ${request.id} approved; grant valid until ${request.grant?.expiresAt}`);
  io.stdout.write(`${token}\n`);
  return EXIT.ok;
}
