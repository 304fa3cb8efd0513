import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clipText,
  isStorableText,
  replaceUnstorable,
  storableText,
  unstorablePaths,
} from '../../../src/domain/storable-text.ts';

/** Any code point, or a NUL, a lone surrogate of either half, or a pair. */
const HOSTILE_CHAR = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', '😀'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

describe('storableText', () => {
  it('removes NUL and lone surrogates, and keeps pairs', () => {
    expect(storableText('a\u0000b')).toBe('ab');
    expect(storableText('x\ud800y\udc00z')).toBe('xyz');
    expect(storableText('ok 😀')).toBe('ok 😀');
  });

  it('cuts long text to the limit, ending in an ellipsis, without splitting a pair', () => {
    expect(storableText('x'.repeat(500))).toBe(`${'x'.repeat(99)}…`);
    expect(Array.from(storableText('😀'.repeat(200), 10))).toHaveLength(10);
    expect(storableText('short', 10)).toBe('short');
  });

  it('always yields text PostgreSQL accepts, within the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: HOSTILE_CHAR, maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (raw, max) => {
        const text = storableText(raw, max);
        expect(text.includes('\u0000')).toBe(false);
        expect(() => encodeURIComponent(text)).not.toThrow();
        expect(Array.from(text).length).toBeLessThanOrEqual(max);
        // Cleaning and checking agree on what PostgreSQL can store.
        expect(isStorableText(text)).toBe(true);
      }),
    );
  });
});

describe('replaceUnstorable', () => {
  it('replaces each NUL and lone surrogate by U+FFFD and keeps the rest', () => {
    expect(replaceUnstorable('a\u0000b\ud800c\udfff😀')).toBe('a\ufffdb\ufffdc\ufffd😀');
  });

  it('always gives storable text of the same length', () => {
    fc.assert(
      fc.property(fc.array(HOSTILE_CHAR, { maxLength: 40 }), (chars) => {
        const text = chars.join('');
        const clean = replaceUnstorable(text);
        expect(isStorableText(clean)).toBe(true);
        expect(clean).toHaveLength(text.length);
      }),
    );
  });
});

describe('clipText', () => {
  it('never leaves half a surrogate pair at the cut', () => {
    fc.assert(
      fc.property(
        fc.array(HOSTILE_CHAR.filter(isStorableText), { maxLength: 40 }),
        fc.integer({ min: 2, max: 30 }),
        (chars, max) => {
          const clipped = clipText(chars.join(''), max);
          expect(isStorableText(clipped)).toBe(true);
          expect(clipped.length).toBeLessThanOrEqual(max);
        },
      ),
    );
    expect(clipText(`ab${'😀'}`, 3)).toBe('ab…');
  });
});

describe('unstorablePaths', () => {
  it('names every unstorable string and key, however deep', () => {
    expect(unstorablePaths({ a: 'ok', b: ['x', 'y\u0000'], c: { 'k\ud800': 1, d: { e: '\udc00' } } }).sort()).toEqual([
      'b.1',
      'c.d.e',
      'c.k',
    ]);
    expect(unstorablePaths('\u0000')).toEqual(['']);
  });

  it('walks a value nested deeper than the call stack goes', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorablePaths(deep)).toHaveLength(1);
  });
});
