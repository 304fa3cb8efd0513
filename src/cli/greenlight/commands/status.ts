import type { RequestJson } from '../../../client/index.ts';
import { parseCommand, SERVICE_FLAGS } from '../args.ts';
import { UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { describeActor } from '../outcome.ts';
import { cardLink } from '../progress.ts';
import { clientFor } from '../settings.ts';

/** `greenlight status --help`. */
export const STATUS_USAGE = `Usage: greenlight status <request id> [--json] [--url URL] [--api-key KEY]

Prints a request's status and decision as a summary, or as the API's JSON with --json. Exits 0
whatever the status; 69 when the service is unreachable or refuses.

Options:
  --json          the full JSON, audit trail included
  --url URL       the service (or GREENLIGHT_URL)
  --api-key KEY   an API key (or GREENLIGHT_API_KEY)
  -h, --help      this help
`;

const OPTIONS = { json: { type: 'boolean' }, ...SERVICE_FLAGS } as const;

/** A request as a few aligned lines for people. */
export function summary(request: RequestJson): string {
  const lines: Array<[string, string | null | undefined]> = [
    ['request', request.id],
    ['status', request.status],
    ['action', request.action],
    ['resource', request.resource],
    ['environment', request.environment],
    ['risk', request.risk],
    ['reason', request.reason],
    ['requester', request.requester.email ?? request.requester.slackUserId],
    [
      'approvals',
      `${request.votes.filter((v) => v.decision === 'approve').length} of ${request.route.requiredApprovals}`,
    ],
    ['created', request.createdAt],
    ['expires', request.status === 'pending' ? request.expiresAt : null],
    [
      'decision',
      request.decision === null
        ? null
        : `${request.decision.status} by ${describeActor(request.decision.actor)} at ${request.decision.at}${request.decision.reason ? `: ${request.decision.reason}` : ''}`,
    ],
    ['grant until', request.grant?.expiresAt],
    ['executed', request.executedAt],
    [
      'grant ended',
      request.grantEnd === null
        ? null
        : `${request.grantEnd.status} by ${describeActor(request.grantEnd.actor)} at ${request.grantEnd.at}${request.grantEnd.reason ? `: ${request.grantEnd.reason}` : ''}`,
    ],
    ['card', cardLink(request)],
  ];
  return lines
    .filter((line): line is [string, string] => line[1] !== null && line[1] !== undefined)
    .map(([label, value]) => `${`${label}:`.padEnd(13)}${value}`)
    .join('\n');
}

/** `greenlight status`: see {@link STATUS_USAGE}. */
export async function status(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, OPTIONS, STATUS_USAGE, io);
  if (parsed === null) return 0;
  const { values, words } = parsed;
  if (words.length !== 1) throw new UsageError('give exactly one request id: greenlight status <id>');
  const { client } = clientFor(values, io);
  const request = await client.get(words[0] as string);
  io.stdout.write(values.json === true ? `${JSON.stringify(request, null, 2)}\n` : `${summary(request)}\n`);
  return 0;
}
