/**
 * Whether PostgreSQL can store `value` as text or inside jsonb: it refuses NUL (22P05 in jsonb,
 * 22021 in text) and cannot encode an unpaired UTF-16 surrogate as UTF-8 (22021). JSON escapes
 * (`"\u0000"`, `"\ud800"`) let both arrive in any string from outside. Input is refused with this;
 * what we record about refused input is cleaned with `storableText`.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

/** NUL, and UTF-16 surrogates that are not part of a pair. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point: PostgreSQL refuses it.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text from outside made safe to record: PostgreSQL refuses NUL in text and jsonb (22P05) and lone
 * surrogates in jsonb, so both are removed; then it is cut to `max` characters (code points, so a
 * pair is never split), ending in "…" when cut. For what we record *about* a request we refused,
 * such as the id someone sent: enough to recognise it, never the whole of a hostile value.
 */
export function storableText(value: string, max = 100): string {
  const clean = Array.from(value.replace(UNSTORABLE, ''));
  return clean.length <= max ? clean.join('') : `${clean.slice(0, max - 1).join('')}…`;
}
