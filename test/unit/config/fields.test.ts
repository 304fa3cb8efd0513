import { describe, expect, it } from 'vitest';
import { quote, redactUrl, splitList } from '../../../src/config/fields.ts';

describe('config field helpers', () => {
  it('hides the password of a URL, valid or not', () => {
    expect(redactUrl('postgresql://gl:pa@ss@db:5432/gl')).toBe('postgresql://gl:***@db:5432/gl');
    expect(redactUrl('redis://:secret@cache')).toBe('redis://:***@cache');
    expect(redactUrl('gl:secret@db/gl')).toBe('gl:***@db/gl');
    expect(redactUrl('postgresql://gl@db/gl')).toBe('postgresql://gl@db/gl');
    expect(redactUrl('not a url')).toBe('not a url');
  });

  it('quotes values visibly and cuts long ones', () => {
    expect(quote('a b')).toBe('"a b"');
    expect(quote('tab\there')).toBe('"tab\\there"');
    expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(60)}…"`);
  });

  it('splits comma-separated lists, dropping blanks', () => {
    expect(splitList(' a, b,,c , ')).toEqual(['a', 'b', 'c']);
  });
});
