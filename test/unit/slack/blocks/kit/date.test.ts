import { describe, expect, it } from 'vitest';
import { slackDate } from '../../../../../src/slack/blocks/kit/date.ts';

describe('slackDate', () => {
  it('formats dates for each viewer with a UTC fallback', () => {
    expect(slackDate(new Date('2026-11-23T10:15:00Z'))).toBe(
      '<!date^1795428900^{date_short_pretty} at {time}|2026-11-23 10:15 UTC>',
    );
  });

  it('takes another format, keeping the fallback', () => {
    expect(slackDate(new Date('2026-11-23T10:15:59Z'), '{date_short}')).toBe(
      '<!date^1795428959^{date_short}|2026-11-23 10:15 UTC>',
    );
  });
});
