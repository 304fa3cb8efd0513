import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './exit-codes.ts';
import type { Io } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed flags and the positionals before and after a `--`. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  /** Positionals before `--` (or all of them when there is none). */
  positionals: string[];
  /** Everything after the first `--`, verbatim; null when there was no `--`. */
  rest: string[] | null;
}

/**
 * `node:util` parseArgs, strict: an unknown flag, a flag without its value or a value given to a
 * switch is a UsageError (exit 64) instead of parseArgs' TypeError.
 */
export function parseFlags(args: string[], options: Options): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: Options; tokens: true; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args, options, tokens: true, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error));
  }
  const terminator = parsed.tokens.find((token) => token.kind === 'option-terminator');
  const positionals = parsed.tokens
    .filter((token) => token.kind === 'positional' && (terminator === undefined || token.index < terminator.index))
    .map((token) => (token.kind === 'positional' ? token.value : ''));
  return {
    values: parsed.values as ParsedArgs['values'],
    positionals,
    rest: terminator === undefined ? null : args.slice(terminator.index + 1),
  };
}

/** The flags of every command that calls the service: where it is, the API key, and help. */
export const SERVICE_FLAGS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * A command's arguments: its flags, and its words (the positionals, then everything after `--`).
 * Null when `--help` was asked for: `usage` is written and the command has nothing else to do.
 */
export function parseCommand(
  args: string[],
  options: Options,
  usage: string,
  io: Io,
): { values: ParsedArgs['values']; words: string[] } | null {
  const { values, positionals, rest } = parseFlags(args, options);
  if (values.help === true) {
    io.stdout.write(usage);
    return null;
  }
  return { values, words: [...positionals, ...(rest ?? [])] };
}

/** A string flag's value (the last one when given more than once), or undefined. */
export function stringFlag(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.at(-1);
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string flag's values, in order. */
export function listFlag(values: ParsedArgs['values'], name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}
