import {
  type ContextValue,
  type CreateRequestInput,
  createClient,
  type ExecutionResult,
  type GreenlightClient,
  GreenlightError,
  type RequestJson,
  type Risk,
  verifyGrant,
} from '../../../client/index.ts';
import { listFlag, parseFlags, stringFlag } from '../args.ts';
import { awaitDecision } from '../await-decision.ts';
import { parseDuration } from '../duration.ts';
import { CliExit, EXIT, signalExitCode, UsageError } from '../exit-codes.ts';
import { type IdempotencyBase, idempotencyBase, nthKey } from '../idempotency.ts';
import { Interrupted, watchInterrupts } from '../interrupts.ts';
import { type Io, say } from '../io.ts';
import { refusalOf } from '../outcome.ts';
import { apiKey, jwksUrlOf, requester, serviceUrl } from '../settings.ts';
import { isRunnable, runCommand } from '../spawn-command.ts';
import { withdraw } from '../withdraw.ts';

/** `greenlight run --help`. */
export const RUN_USAGE = `Usage: greenlight run --action A --resource R --reason "…" [options] -- <command> [args…]

Asks for approval in Slack, waits, verifies the grant, marks it executed, runs the command (no
shell) with GREENLIGHT_GRANT and GREENLIGHT_REQUEST_ID set, reports how it ended, and exits with
the command's exit code.

Options:
  --action A              what is done, e.g. db.migrate (required)
  --resource R            what it is done to, e.g. prod/main (required)
  --reason TEXT           why, shown to the approvers (required)
  --environment E         e.g. production
  --risk LEVEL            low | medium | high | critical (default medium)
  --context KEY=VALUE     bound to the approval; repeatable
  --requester WHO         Slack user id or e-mail (or GREENLIGHT_REQUESTER)
  --wait DURATION         stop waiting after 90s / 15m / 1h / seconds, and cancel (default: until the request expires)
  --ttl DURATION          how long approvers have to decide (default: the service's)
  --idempotency-key KEY   (or GREENLIGHT_IDEMPOTENCY_KEY) instead of the one derived from the CI run
  --url URL               the service (or GREENLIGHT_URL)
  --api-key KEY           an API key (or GREENLIGHT_API_KEY)
  -h, --help              this help

Exit codes: the command's own (128+n when a signal ended it); 64 bad usage; 69 service unreachable
or refusing, or the grant does not verify; 75 expired, cancelled, revoked or lapsed; 77 denied;
124 --wait ran out (the request is cancelled); 127 command not found; 130 Ctrl-C (cancelled).
`;

const OPTIONS = {
  action: { type: 'string' },
  resource: { type: 'string' },
  reason: { type: 'string' },
  environment: { type: 'string' },
  risk: { type: 'string' },
  context: { type: 'string', multiple: true },
  requester: { type: 'string' },
  wait: { type: 'string' },
  ttl: { type: 'string' },
  'idempotency-key': { type: 'string' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const RISKS: readonly Risk[] = ['low', 'medium', 'high', 'critical'];
/** A reused key whose request is in one of these asks again under the next key (see nthKey). */
const ASK_AGAIN = new Set<RequestJson['status']>(['executed', 'expired', 'cancelled', 'revoked', 'lapsed']);
/** More earlier attempts than this in one CI job is a loop, not retries. */
const MAX_ATTEMPTS = 50;

/** Everything `run` needs, checked before anything is sent. */
export interface RunPlan {
  url: string;
  apiKey: string;
  body: CreateRequestInput;
  command: string[];
  waitSeconds: number | null;
  keys: IdempotencyBase;
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

/**
 * `--context key=value` flags as a context object; the values stay strings. Built with
 * Object.fromEntries, so every key (even `__proto__`, which the service refuses by name) is data.
 */
function parseContext(pairs: string[]): Record<string, ContextValue> {
  const entries = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--context must be KEY=VALUE, not ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at);
    if (entries.has(key)) throw new UsageError(`--context ${key} is given twice`);
    entries.set(key, pair.slice(at + 1));
  }
  return Object.fromEntries(entries);
}

/** Reads and checks the flags of `run` (UsageError on anything wrong); null when help was asked for. */
export function planRun(args: string[], io: Io): RunPlan | null {
  const { values, positionals, rest } = parseFlags(args, OPTIONS);
  if (values.help === true) return null;
  if (positionals.length > 0) {
    throw new UsageError(`unexpected ${JSON.stringify(positionals[0])}: put the command after --`);
  }
  const command = rest ?? [];
  if (command.length === 0) throw new UsageError('no command to run: put it after --, e.g. -- terraform apply');
  const risk = stringFlag(values, 'risk');
  if (risk !== undefined && !RISKS.includes(risk as Risk)) {
    throw new UsageError(`--risk must be one of ${RISKS.join(', ')}, not ${JSON.stringify(risk)}`);
  }
  const ttl = stringFlag(values, 'ttl');
  const wait = stringFlag(values, 'wait');
  const environment = stringFlag(values, 'environment')?.trim();
  const body: CreateRequestInput = {
    action: required(values, 'action'),
    resource: required(values, 'resource'),
    reason: required(values, 'reason'),
    requester: requester(values, io),
    ...(environment === undefined || environment === '' ? {} : { environment }),
    ...(risk === undefined ? {} : { risk: risk as Risk }),
    context: parseContext(listFlag(values, 'context')),
    ...(ttl === undefined ? {} : { ttlSeconds: parseDuration('ttl', ttl) }),
  };
  const explicit = stringFlag(values, 'idempotency-key') ?? io.env.GREENLIGHT_IDEMPOTENCY_KEY;
  return {
    url: serviceUrl(values, io),
    apiKey: apiKey(values, io),
    body,
    command,
    waitSeconds: wait === undefined ? null : parseDuration('wait', wait),
    keys: idempotencyBase({ body, command, explicit: explicit === '' ? undefined : explicit }, io.env),
  };
}

/**
 * Creates the request under the run's key. When that key finds an earlier attempt's request that
 * can no longer be used (already run, or ended without a decision), asks again under the next key.
 */
async function createRequest(client: GreenlightClient, io: Io, plan: RunPlan): Promise<RequestJson> {
  for (let n = 0; n < MAX_ATTEMPTS; n += 1) {
    const created = await client.request(plan.body, { idempotencyKey: nthKey(plan.keys, n) });
    if (!created.replayed) {
      say(io, `asked for approval: request ${created.id}`);
      return created;
    }
    if (!ASK_AGAIN.has(created.status)) {
      say(io, `continuing with request ${created.id} from an earlier attempt (${created.status})`);
      return created;
    }
    say(io, `request ${created.id} from an earlier attempt is ${created.status}; asking again`);
  }
  throw new CliExit(EXIT.unavailable, `more than ${MAX_ATTEMPTS} earlier attempts under this idempotency key`);
}

/** The grant of an approved request, verified offline for exactly what this run asked. */
async function verifiedGrant(plan: RunPlan, request: RequestJson): Promise<string> {
  const token = request.grant?.token;
  if (token === undefined) {
    throw new CliExit(EXIT.unavailable, `request ${request.id} is approved but the service sent no grant`);
  }
  await verifyGrant(token, {
    jwksUrl: jwksUrlOf(plan.url),
    expect: {
      action: plan.body.action,
      resource: plan.body.resource,
      environment: plan.body.environment ?? null,
      params: plan.body.context ?? {},
      requestId: request.id,
    },
  });
  return token;
}

/** `greenlight run`: see {@link RUN_USAGE}. Returns the exit code. */
export async function run(args: string[], io: Io): Promise<number> {
  const plan = planRun(args, io);
  if (plan === null) {
    io.stdout.write(RUN_USAGE);
    return EXIT.ok;
  }
  const [program = ''] = plan.command;
  if (!isRunnable(program, io.env)) {
    throw new CliExit(EXIT.notFound, `${program}: command not found (nothing was asked)`);
  }
  const client = createClient({ baseUrl: plan.url, apiKey: plan.apiKey });
  const created = await createRequest(client, io, plan);
  const { request, token } = await approvedAndExecuted(client, io, plan, created);
  return runAndReport(client, io, plan, request, token);
}

/**
 * Waits for the decision, verifies the grant and spends it. Ctrl-C or SIGTERM up to the moment the
 * grant is spent withdraws the request (cancel, or revoke once approved) and exits 128+n; `--wait`
 * running out withdraws it and exits 124. Any other outcome but approval exits as refusalOf says.
 */
async function approvedAndExecuted(
  client: GreenlightClient,
  io: Io,
  plan: RunPlan,
  created: RequestJson,
): Promise<{ request: RequestJson; token: string }> {
  const interrupts = watchInterrupts();
  let request = created;
  const stopIfInterrupted = async () => {
    const interrupted = interrupts.received();
    if (interrupted === null) return;
    await withdraw(client, io, request.id, `greenlight run was interrupted (${interrupted.signal})`);
    throw new CliExit(interrupted.exitCode, `interrupted: request ${request.id} withdrawn`);
  };
  try {
    const waitUntil = plan.waitSeconds === null ? null : Date.now() + plan.waitSeconds * 1000;
    try {
      request = await awaitDecision(client, io, request, { waitUntil, signal: interrupts.signal });
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
    }
    await stopIfInterrupted();
    if (request.status === 'pending') {
      await withdraw(client, io, request.id, `greenlight run stopped waiting after --wait ${plan.waitSeconds} s`);
    }
    const refusal = refusalOf(request);
    if (refusal !== null) throw refusal;
    say(io, `request ${request.id} approved by ${approvers(request)}`);
    let token: string;
    try {
      token = await verifiedGrant(plan, request);
    } catch (error) {
      await withdraw(client, io, request.id, 'the grant failed verification in greenlight run');
      throw error;
    }
    await stopIfInterrupted();
    try {
      request = await client.execute(request.id, token);
    } catch (error) {
      if (error instanceof GreenlightError && ['revoked', 'lapsed', 'already_executed'].includes(error.code)) {
        throw new CliExit(EXIT.ended, `request ${request.id} cannot be executed: ${error.message}`);
      }
      throw error;
    }
    const interrupted = interrupts.received();
    if (interrupted !== null) {
      // Spent a moment too late to withdraw: the trail says the command never ran.
      await report(client, io, request.id, { exitCode: null, signal: interrupted.signal, durationMs: 0 });
      throw new CliExit(interrupted.exitCode, `interrupted: request ${request.id} executed, the command not run`);
    }
    return { request, token };
  } finally {
    interrupts.stop();
  }
}

/** Runs the command under the grant, reports how it ended, and returns the exit code to end with. */
async function runAndReport(
  client: GreenlightClient,
  io: Io,
  plan: RunPlan,
  request: RequestJson,
  token: string,
): Promise<number> {
  say(io, `running: ${plan.command.join(' ')}`);
  const result = await runCommand(plan.command, {
    ...io.env,
    GREENLIGHT_GRANT: token,
    GREENLIGHT_REQUEST_ID: request.id,
  });
  if (result.startError !== null) {
    say(io, `could not start ${plan.command[0]}: ${result.startError.message}`);
    await report(client, io, request.id, { exitCode: EXIT.notFound, signal: null, durationMs: result.durationMs });
    return EXIT.notFound;
  }
  await report(client, io, request.id, result);
  if (result.signal !== null) return signalExitCode(result.signal);
  return result.exitCode ?? 1;
}

/** Reports a result; a failure is told, not thrown (the command's exit code matters more). */
async function report(client: GreenlightClient, io: Io, id: string, result: ExecutionResult): Promise<void> {
  try {
    await client.reportResult(id, result);
  } catch (error) {
    say(io, `could not report the result of request ${id}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Who approved, for the log line: the approving voters, or the rule that approved it. */
function approvers(request: RequestJson): string {
  const voters = request.votes.filter((vote) => vote.decision === 'approve').map((vote) => vote.voter);
  if (voters.length > 0) return voters.join(', ');
  const actor = request.decision?.actor;
  if (actor?.type === 'rule') return `rule "${actor.id}"`;
  return request.decision?.by ?? 'someone';
}
