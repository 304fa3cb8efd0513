import { describe, expect, it } from 'vitest';
import { parsePages } from '../../../src/slack/home-publisher.ts';

describe('parsePages', () => {
  it('reads the pages a Home view or pager button carries', () => {
    expect(parsePages('{"mine":2,"rules":1}')).toEqual({ mine: 2, rules: 1 });
    expect(parsePages(undefined)).toEqual({});
  });

  it('treats anything malformed as the first page everywhere', () => {
    for (const raw of ['', 'not json', '[]', '{"mine":-1}', '{"mine":1.5}', '{"mine":"2"}']) {
      expect(parsePages(raw)).toEqual({});
    }
  });
});
