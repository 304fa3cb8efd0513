import { parseCommand, SERVICE_FLAGS } from '../args.ts';
import { describeAuditReport } from '../audit-report.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { clientFor } from '../settings.ts';

/** `greenlight audit --help`. */
export const AUDIT_USAGE = `Usage: greenlight audit verify [--json] [--url URL] [--api-key KEY]

Has the service walk the hash chain of every request and of its global events, and prints the
first altered or missing event of each broken chain, then a summary. Needs an admin API key
(SERVICE_API_KEYS entry name:secret:admin, or an admin key made in App Home).

Exit codes:
  0    every chain is intact
  65   a chain is broken (the lines above the summary say where)
  69   the service is unreachable or refuses (a request-scoped key gets 403 forbidden)

Options:
  --json          the report as JSON
  --url URL       the service (or GREENLIGHT_URL)
  --api-key KEY   an admin API key (or GREENLIGHT_API_KEY)
  -h, --help      this help
`;

const OPTIONS = { json: { type: 'boolean' }, ...SERVICE_FLAGS } as const;

/** `greenlight audit verify`: see {@link AUDIT_USAGE}. */
export async function audit(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, OPTIONS, AUDIT_USAGE, io);
  if (parsed === null) return EXIT.ok;
  const { values, words } = parsed;
  if (words.length !== 1 || words[0] !== 'verify') {
    throw new UsageError('the audit command has one subcommand: greenlight audit verify');
  }
  const { client } = clientFor(values, io);
  const report = await client.verifyAuditTrail();
  io.stdout.write(
    values.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${describeAuditReport(report).join('\n')}\n`,
  );
  return report.ok ? EXIT.ok : EXIT.broken;
}
