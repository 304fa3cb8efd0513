import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStorableText, storableText } from '../../../src/domain/storable-text.ts';

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
