import { describe, expect, it } from 'vitest';
import { riskBadge, riskOptions } from '../../../../../src/slack/blocks/kit/risk.ts';

describe('risk kit', () => {
  it('offers the risks lowest first, in words', () => {
    expect(riskOptions().map((o) => [o.text.text, o.value])).toEqual([
      ['Low', 'low'],
      ['Medium', 'medium'],
      ['High', 'high'],
      ['Critical', 'critical'],
    ]);
  });

  it('shows a risk with its coloured dot', () => {
    expect(riskBadge('low')).toBe(':large_green_circle: Low');
    expect(riskBadge('critical')).toBe(':red_circle: Critical');
  });
});
