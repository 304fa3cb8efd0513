import { describe, expect, it } from 'vitest';
import { awayProblems } from '../../../../src/services/away/set-away.ts';

const NOW = new Date('2026-12-04T10:00:00Z');

describe('awayProblems', () => {
  it('accepts a future time with or without a delegate', () => {
    expect(awayProblems({ userId: 'UA', until: new Date('2026-12-12T09:00:00Z'), delegateId: 'UB' }, NOW)).toEqual([]);
    expect(awayProblems({ userId: 'UA', until: new Date('2026-12-05T09:00:00Z'), delegateId: null }, NOW)).toEqual([]);
  });

  it('reports each problem under its field', () => {
    expect(awayProblems({ userId: 'UA', until: null, delegateId: 'UA' }, NOW).map((p) => p.path)).toEqual([
      'until',
      'delegate',
    ]);
    expect(awayProblems({ userId: 'UA', until: NOW, delegateId: null }, NOW)[0]?.message).toBe(
      'Choose a time in the future.',
    );
    expect(
      awayProblems({ userId: 'UA', until: new Date('2028-01-01T00:00:00Z'), delegateId: null }, NOW)[0]?.message,
    ).toMatch(/within 366 days/);
  });
});
