import { z } from 'zod';

/**
 * Building blocks of the config parts. Every field reads one environment variable (a string or
 * unset) and reports its own problems in words meant for whoever edits `.env`: the message names
 * the bad value (never a secret's) and what would be accepted, and never carries zod's own wording.
 * A message leaves out the variable's name; `index.ts` puts it in front.
 */

/** What a field's parser calls to report a problem; the field then fails. */
export type TReport = (message: string) => void;

/** Parses a present, trimmed, non-empty value; reports problems through `report`. */
export type TParse<T> = (value: string, report: TReport) => T;

/** Quotes a value for a message, so blanks and odd characters stay visible; very long values are cut. */
export function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return JSON.stringify(shown);
}

/**
 * Hides the password of a URL's `user:password@`, also in strings that are not valid URLs,
 * so a connection-string problem can be shown without its secret.
 */
export function redactUrl(value: string): string {
  const at = value.lastIndexOf('@');
  if (at === -1) return value;
  const schemeEnd = value.indexOf('://');
  const start = schemeEnd === -1 || schemeEnd > at ? 0 : schemeEnd + 3;
  const colon = value.slice(start, at).indexOf(':');
  if (colon === -1) return value;
  return `${value.slice(0, start + colon + 1)}***${value.slice(at)}`;
}

function field<T, U>(parse: TParse<T>, whenUnset: (report: TReport) => U) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | U => {
      const report: TReport = (message) => ctx.addIssue({ code: 'custom', message });
      const value = raw?.trim();
      // Empty counts as unset, so `FOO=` in a .env file means "use the default".
      if (value === undefined || value === '') return whenUnset(report);
      return parse(value, report);
    });
}

/** A variable that must be set. */
export function required<T>(parse: TParse<T>) {
  return field(parse, (report): T => {
    report('is required');
    return z.NEVER;
  });
}

/** A variable that may be unset (then `undefined`). */
export function optional<T>(parse: TParse<T>) {
  return field(parse, () => undefined);
}

/** A variable with a default for when it is unset. */
export function withDefault<T>(parse: TParse<T>, fallback: T) {
  return field(parse, () => fallback);
}

/** Any non-empty text. */
export const text: TParse<string> = (value) => value;

/** `true`/`false` (also `1`/`0`, `yes`/`no`). */
export const flag: TParse<boolean> = (value, report) => {
  const lower = value.toLowerCase();
  if (['true', '1', 'yes'].includes(lower)) return true;
  if (['false', '0', 'no'].includes(lower)) return false;
  report(`${JSON.stringify(value)} is not true or false`);
  return z.NEVER;
};

/** A whole number within `min`–`max`. */
export function integer(min: number, max: number): TParse<number> {
  return (value, report) => {
    const number = Number(value);
    if (!Number.isFinite(number)) report(`${quote(value)} is not a number`);
    else if (!Number.isInteger(number)) report(`${quote(value)} is not a whole number`);
    else if (number < min || number > max) report(`${quote(value)} is out of range (${min}–${max})`);
    else return number;
    return z.NEVER;
  };
}

/** One of a fixed list of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(allowed: T): TParse<T[number]> {
  return (value, report) => {
    if ((allowed as readonly string[]).includes(value)) return value as T[number];
    report(`${quote(value)} is not one of ${allowed.join(', ')}`);
    return z.NEVER;
  };
}

/** Text matching `pattern`; `describe` completes "… is not <describe>". */
export function matching(pattern: RegExp, describe: string): TParse<string> {
  return (value, report) => {
    if (pattern.test(value)) return value;
    report(`${quote(value)} is not ${describe}`);
    return z.NEVER;
  };
}

/** A URL with one of `protocols` (`'https:'`); a bad value is shown with any password hidden. */
export function url(protocols: readonly string[], example: string): TParse<string> {
  return (value, report) => {
    let protocol: string | undefined;
    try {
      protocol = new URL(value).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== undefined && protocols.includes(protocol)) return value;
    report(`must be a URL like ${example} (got ${quote(redactUrl(value))})`);
    return z.NEVER;
  };
}

/**
 * A secret that must start with `prefix`. A wrong value is described by its own prefix at most
 * (`xoxp-`), never shown.
 */
export function token(prefix: string, describe: string): TParse<string> {
  return (value, report) => {
    if (value.startsWith(prefix) && value.length > prefix.length) return value;
    const own = /^[a-z]{3,5}-/.exec(value)?.[0];
    report(
      own === undefined
        ? `must be ${describe} starting with ${prefix} (value not shown)`
        : `starts with ${own}, but must be ${describe} starting with ${prefix}`,
    );
    return z.NEVER;
  };
}

/**
 * Refuses the value `.env.example` ships for this variable, before `parse` sees it: a copied example
 * would otherwise pass (a placeholder can look like a token) and fail later, at Slack, with a stack
 * trace. `instead` says what to put there instead, and where to find it.
 */
export function notPlaceholder<T>(placeholder: string, instead: string, parse: TParse<T>): TParse<T> {
  return (value, report) => {
    if (value !== placeholder) return parse(value, report);
    report(`is still the placeholder from .env.example (${quote(placeholder)}): ${instead}`);
    return z.NEVER;
  };
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A comma-separated list of entries matching `pattern`; each bad entry is reported on its own. */
export function idList(pattern: RegExp, describe: string): TParse<string[]> {
  return (value, report) => {
    const entries = splitList(value);
    const bad = entries.filter((entry) => !pattern.test(entry));
    for (const entry of bad) report(`entry ${quote(entry)} is not ${describe}`);
    return bad.length === 0 ? entries : z.NEVER;
  };
}

/** A secret of at least `minLength` characters; a short one is described by its length, never shown. */
export function secret(minLength: number, describe: string): TParse<string> {
  return (value, report) => {
    if (value.length >= minLength) return value;
    report(
      `is too short to be ${describe} (${value.length} characters, at least ${minLength} needed; value not shown)`,
    );
    return z.NEVER;
  };
}

/** One line of the problem list: the variable it is about and what is wrong with it. */
export interface TProblem {
  name: string;
  message: string;
}

/** The variables of one part, by name, each a field built above. */
export type TShape = Record<string, z.ZodType<unknown, string | undefined>>;

/** What a part's fields parse to. */
export type TValues<S extends TShape> = { [K in keyof S]: z.output<S[K]> };

/**
 * One part of the configuration: its variables, and checks between them. A check gets only the
 * variables that parsed, so it runs (and reports) alongside single-variable problems; it must
 * skip what it cannot judge because a variable is missing.
 */
export interface TConfigPart<S extends TShape> {
  shape: S;
  check(values: Partial<TValues<S>>): TProblem[];
}

/** Declares a config part; see {@link TConfigPart}. */
export function definePart<S extends TShape>(
  shape: S,
  check: (values: Partial<TValues<S>>) => TProblem[] = () => [],
): TConfigPart<S> {
  return { shape, check };
}
