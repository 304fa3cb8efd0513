/**
 * Whether PostgreSQL can store `value` as text or inside jsonb: it refuses NUL (22P05 in jsonb,
 * 22021 in text) and cannot encode an unpaired UTF-16 surrogate as UTF-8 (22021). JSON escapes
 * (`"\u0000"`, `"\ud800"`) let both arrive in any string from outside. Input is refused with this;
 * what we record about refused input is cleaned with `storableText`.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

/** The message a refused field gets, wherever it is refused. */
export const NOT_STORABLE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

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

/** U+FFFD REPLACEMENT CHARACTER: what a decoder puts where text could not be read. */
const REPLACEMENT = '\ufffd';

/**
 * Third parties' free text (a commit message, a branch name) made storable without losing the rest:
 * each NUL and each unpaired surrogate becomes U+FFFD, as a UTF-8 decoder shows bytes it cannot read.
 * Refusing such text instead would let anyone who writes a commit message stop the approval gate.
 */
export function replaceUnstorable(value: string): string {
  return isStorableText(value) ? value : value.replace(UNSTORABLE, REPLACEMENT);
}

/**
 * `text` cut to at most `max` UTF-16 code units, ending in "…" when cut, never between the two
 * halves of a surrogate pair (a half left alone is text PostgreSQL cannot store).
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * The path (`a.b.0.c`, as zod writes paths) of every string in `value` — object keys included —
 * that PostgreSQL cannot store, at most `limit` of them. Walks with its own stack, so a deeply
 * nested value cannot overflow the call stack.
 */
export function unstorablePaths(value: unknown, limit = 20): string[] {
  // Each entry links to its parent instead of copying its path: a deep value stays linear to walk.
  interface Entry {
    value: unknown;
    key: string | null;
    parent: Entry | null;
  }
  const pathOf = (entry: Entry | null, last?: string): string => {
    const keys = last === undefined ? [] : [last];
    for (let at = entry; at !== null; at = at.parent) if (at.key !== null) keys.push(at.key);
    return keys.reverse().join('.');
  };
  const found: string[] = [];
  const stack: Entry[] = [{ value, key: null, parent: null }];
  while (stack.length > 0 && found.length < limit) {
    const entry = stack.pop() as Entry;
    const here = entry.value;
    if (typeof here === 'string') {
      if (!isStorableText(here)) found.push(pathOf(entry));
    } else if (Array.isArray(here)) {
      for (const [index, item] of here.entries()) stack.push({ value: item, key: String(index), parent: entry });
    } else if (typeof here === 'object' && here !== null && !(here instanceof Date)) {
      for (const [key, item] of Object.entries(here)) {
        // A key is named by its parent's path and the key made readable.
        if (!isStorableText(key)) found.push(pathOf(entry, storableText(key, 40)));
        else stack.push({ value: item, key, parent: entry });
      }
    }
  }
  return found;
}
