import { readFile } from 'node:fs/promises';
import { GreenlightError } from '../../../client/index.ts';
import { parseCommand, SERVICE_FLAGS } from '../args.ts';
import { CliExit, EXIT, UsageError } from '../exit-codes.ts';
import { type Io, say } from '../io.ts';
import { describeRulesDiff } from '../rules-diff.ts';
import { formatProblem, locateProblems, parseRulesFile, rulesFileText } from '../rules-file.ts';
import { clientFor } from '../settings.ts';

/** `greenlight rules --help`. */
export const RULES_USAGE = `Usage: greenlight rules export [--url URL] [--api-key KEY]
       greenlight rules apply <file> [--dry-run] [--url URL] [--api-key KEY]

Routing rules as code. Needs an admin API key (SERVICE_API_KEYS entry name:secret:admin, or an
admin key made in App Home).

  export   prints every rule as a rules file (YAML: { rules: [...] }), first tried first, with the
           GitHub identity links (identities: { github: { octocat: U0123ABCD } }) when there are any:
           greenlight rules export > rules.yml
  apply    replaces every rule with the file's (matched by name, in the file's order) and prints
           what changed; rules not in the file are deleted. With an identities: section the links
           become exactly the file's (a login not in it is unlinked); without one they are left as
           they are. All or nothing: a file with any problem changes nothing, and each problem is
           printed as file:line:column path: message. Rules applied from a file show as "managed
           as code" in App Home.

Exit codes:
  0    exported; applied, or nothing to do; a dry run that found no problem
  64   bad usage (unknown flag, no file)
  65   the file was refused: every problem is printed; nothing was changed
  66   the file cannot be read
  69   the service is unreachable or refuses (a request-scoped key gets 403 forbidden)

Options:
  --dry-run       apply: print what would change, change nothing
  --url URL       the service (or GREENLIGHT_URL)
  --api-key KEY   an admin API key (or GREENLIGHT_API_KEY)
  -h, --help      this help
`;

const OPTIONS = { 'dry-run': { type: 'boolean' }, ...SERVICE_FLAGS } as const;

/** `greenlight rules export|apply`: see {@link RULES_USAGE}. */
export async function rules(args: string[], io: Io): Promise<number> {
  const command = parseCommand(args, OPTIONS, RULES_USAGE, io);
  if (command === null) return EXIT.ok;
  const { values } = command;
  const [subcommand, ...files] = command.words;
  if (subcommand === 'export') {
    if (files.length > 0 || values['dry-run'] === true)
      throw new UsageError('rules export takes no file and no --dry-run');
    const { client } = clientFor(values, io);
    io.stdout.write(rulesFileText(await client.exportRules()));
    return EXIT.ok;
  }
  if (subcommand !== 'apply') throw new UsageError('the rules command has two subcommands: export and apply <file>');
  if (files.length !== 1) throw new UsageError('rules apply needs exactly one file: greenlight rules apply rules.yml');
  const fileName = files[0] as string;
  const { client } = clientFor(values, io);
  let text: string;
  try {
    text = await readFile(fileName, 'utf8');
  } catch (error) {
    throw new CliExit(
      EXIT.noInput,
      `cannot read ${fileName}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const parsed = parseRulesFile(text);
  if (!parsed.ok) {
    for (const problem of parsed.problems) io.stderr.write(`${formatProblem(fileName, problem)}\n`);
    throw new CliExit(EXIT.refused, `${fileName} refused: ${parsed.problems.length} problem(s); nothing was sent`);
  }
  const { file } = parsed;
  try {
    const result = await client.replaceRules(file.rules, {
      dryRun: values['dry-run'] === true,
      ...(file.identities === undefined ? {} : { identities: file.identities }),
    });
    io.stdout.write(`${describeRulesDiff(result, fileName).join('\n')}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof GreenlightError) || error.code !== 'validation_failed') throw error;
    for (const problem of locateProblems(file, error.fields)) io.stderr.write(`${formatProblem(fileName, problem)}\n`);
    say(io, `${fileName} refused: ${error.fields.length} problem(s); nothing was changed`);
    return EXIT.refused;
  }
}
