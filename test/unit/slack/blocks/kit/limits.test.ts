import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, truncate } from '../../../../../src/slack/blocks/kit/limits.ts';

const clusters = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

describe('truncate', () => {
  it('returns text that fits as it is', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('', 0)).toBe('');
    expect(truncate('👍', 2)).toBe('👍');
  });

  it('cuts ASCII at the limit, counting the ellipsis', () => {
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
    expect(truncate('abcdefgh', 5)).toHaveLength(5);
  });

  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('ab😀cd', 5)).toBe('ab😀…');
    expect(truncate('😀😀😀', 4)).toBe('😀…');
  });

  it('keeps a flag (two regional indicators) whole or drops it', () => {
    expect(truncate('a🇩🇪🇫🇷', 4)).toBe('a…');
    expect(truncate('a🇩🇪🇫🇷', 6)).toBe('a🇩🇪…');
  });

  it('keeps a ZWJ family emoji whole or drops it', () => {
    const family = '👨‍👩‍👧‍👦'; // 11 UTF-16 units, one character on screen
    expect(truncate(`x${family}y`, 12)).toBe('x…');
    expect(truncate(`x${family}yz`, 13)).toBe(`x${family}…`);
  });

  it('keeps a letter with its combining accents together', () => {
    const e = 'e\u0301\u0323'; // e + acute + dot below
    expect(truncate(`ab${e}cd`, 5)).toBe('ab…');
    expect(truncate(`ab${e}cd`, 6)).toBe(`ab${e}…`);
  });

  it('keeps CR LF together', () => {
    expect(truncate('ab\r\ncd', 4)).toBe('ab…');
  });

  it('never makes a lone surrogate, and keeps the ones it was given within the limit', () => {
    expect(truncate('a\uD83Dbcd', 3)).toBe('a\uD83D…');
    expect(truncate('a\uDE00bcd', 2)).toBe('a…');
  });

  it('handles the smallest limits', () => {
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('😀', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });

  it('always gives a prefix of whole characters within the limit', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .array(fc.constantFrom('a', 'é', 'e\u0301', '😀', '🇩🇪', '👨‍👩‍👧', '\r\n', '\uD83D'), { maxLength: 20 })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, fc.nat(60), (input, max) => {
        const result = truncate(input, max);
        expect(result.length).toBeLessThanOrEqual(max);
        if (input.length <= max) {
          expect(result).toBe(input);
          return;
        }
        if (max === 0) {
          expect(result).toBe('');
          return;
        }
        expect(result.endsWith('…')).toBe(true);
        const kept = clusters(result.slice(0, -1));
        expect(kept).toEqual(clusters(input).slice(0, kept.length));
        // Nothing more would have fitted: the next character would have passed the limit.
        const next = clusters(input)[kept.length] ?? '';
        expect(result.length + next.length).toBeGreaterThan(max);
      }),
    );
  });
});

describe('escapeMrkdwn', () => {
  it('escapes &, < and >', () => {
    expect(escapeMrkdwn('<!channel> & <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt;');
  });
});
