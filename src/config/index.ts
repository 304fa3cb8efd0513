import { z } from 'zod';
import { core } from './core.ts';
import { database } from './database.ts';
import type { TConfigPart, TProblem, TShape } from './fields.ts';
import { grants } from './grants.ts';
import { integrations } from './integrations.ts';
import { keys } from './keys.ts';
import { observe } from './observe.ts';
import { redis } from './redis.ts';
import { slack } from './slack.ts';

/**
 * The configuration, in parts, so an entry point parses only what it uses (the migration CLI needs
 * no Slack token). Together they are the one schema over the environment: every variable is
 * documented in `.env.example` and docs/reference/configuration.md (test/unit/env-example.test.ts and
 * test/unit/config/configuration-doc.test.ts keep them in step), and
 * nothing else reads `process.env`.
 */
export const CONFIG_PARTS = { core, database, redis, slack, keys, grants, observe, integrations } as const;

export type TConfigPartName = keyof typeof CONFIG_PARTS;

/** Every part: what the service itself runs on. */
const ALL_PARTS = Object.keys(CONFIG_PARTS) as TConfigPartName[];

/** The composed schema: every variable the service reads (its cross-variable checks live in the parts). */
export const ZConfig = z.object({
  ...core.shape,
  ...database.shape,
  ...redis.shape,
  ...slack.shape,
  ...keys.shape,
  ...grants.shape,
  ...observe.shape,
  ...integrations.shape,
});

export type TConfig = Readonly<z.output<typeof ZConfig>>;

/** The variables of the named parts (distributes over a union of names). */
type TFieldsOf<N extends TConfigPartName> = N extends TConfigPartName ? keyof (typeof CONFIG_PARTS)[N]['shape'] : never;

/** The config the named parts parse to. */
export type TConfigOf<N extends TConfigPartName> = Readonly<Pick<TConfig, TFieldsOf<N>>>;

/** Raised for an invalid environment; `problems` holds one line per problem, each starting with the variable's name. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type TEnv = Record<string, string | undefined>;

/**
 * Parses one part variable by variable, so one bad variable hides neither another's problem nor
 * the checks between the variables that did parse.
 */
function parsePart(part: TConfigPart<TShape>, env: TEnv, values: Record<string, unknown>, problems: TProblem[]): void {
  const parsed: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(part.shape)) {
    const result = schema.safeParse(env[name]);
    if (result.success) {
      parsed[name] = result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      // Fields report only custom issues; anything else means a non-string reached us from code, not from .env.
      problems.push({ name, message: issue.code === 'custom' ? issue.message : 'must be text' });
    }
  }
  problems.push(...part.check(parsed));
  Object.assign(values, parsed);
}

/**
 * Parses the named parts of an environment (normally `process.env`) into a frozen config, or throws
 * a ConfigError listing every problem of those parts, the checks between variables included.
 */
export function parseConfigParts<N extends TConfigPartName>(env: TEnv, names: readonly N[]): TConfigOf<N> {
  const values: Record<string, unknown> = {};
  const problems: TProblem[] = [];
  for (const name of new Set(names)) parsePart(CONFIG_PARTS[name] as TConfigPart<TShape>, env, values, problems);
  if (problems.length > 0) throw new ConfigError(problems.map(({ name, message }) => `${name} ${message}`));
  return Object.freeze(values) as TConfigOf<N>;
}

/** Parses everything the service needs; see {@link parseConfigParts}. */
export function parseConfig(env: TEnv): TConfig {
  return parseConfigParts(env, ALL_PARTS);
}

/** Parses only the database settings (what `npm run db:migrate` needs); see {@link parseConfigParts}. */
export function parseDatabaseConfig(env: TEnv): TConfigOf<'database'> {
  return parseConfigParts(env, ['database']);
}

/** EX_CONFIG from sysexits.h: what every entry point exits with on an invalid environment. */
export const EXIT_CONFIG = 78;

/**
 * For entry points: runs `parse`, and on a ConfigError prints
 * `greenlight: Invalid configuration:` with one line per problem and exits {@link EXIT_CONFIG}.
 */
export function parseOrExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`greenlight: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}
