import fc from 'fast-check';

/** Hostile values shared by the fuzz tests: what any field, key or path segment may be sent as. */

/** Any UTF-16 code unit, so strings hold NUL, controls and lone surrogates (fc's own units never do). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
export const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    '\uDFFF',
    'x\uDC00y',
    'ok \uD83D',
    '\uFEFF',
    '\u202Eevil',
    '𝕏 ✅ 🚀',
    '',
    ' ',
    '0x2',
    '1e3',
    'null',
    '__proto__',
    'constructor',
    'prototype',
    "'; DROP TABLE approval_requests; --",
    'rita@example.com\u0000',
    'http://example.com/\u0000',
    'https://example.com/\uD800',
  ),
  fc.string({ unit: codeUnit, maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(101, 201, 501, 2001, 3001, 70_000).map((n) => 'x'.repeat(n)),
);
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 6 },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** Sets an own, enumerable property — also `__proto__`, as `JSON.parse` (and express.json) would. */
export function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Percent-encodes each UTF-16 code unit's low byte when it is not a plain URL character. */
export function rawPercent(text: string): string {
  return [...text]
    .map((ch) =>
      /^[A-Za-z0-9._~-]$/.test(ch) ? ch : `%${(ch.charCodeAt(0) & 0xff).toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}
