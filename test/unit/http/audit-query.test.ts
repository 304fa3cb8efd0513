import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { parseExportQuery } from '../../../src/http/api/v1/audit-query.ts';

const NOW = new Date('2026-11-27T12:00:00Z');

/** The field errors a query is refused with. */
function refusal(query: Record<string, unknown>) {
  try {
    parseExportQuery(query, NOW);
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, fields: error.fields };
    throw error;
  }
  throw new Error('the query was accepted');
}

describe('export query', () => {
  it('defaults to everything up to now, as JSONL', () => {
    expect(parseExportQuery({}, NOW)).toEqual({ range: { from: null, to: NOW, after: null }, format: 'jsonl' });
  });

  it('reads dates (midnight UTC), date-times with a zone, the format and a cursor', () => {
    expect(
      parseExportQuery({ from: '2026-11-01', to: '2026-11-02T10:30:00+02:00', format: 'csv', cursor: '4711' }, NOW),
    ).toEqual({
      range: { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T08:30:00Z'), after: 4711n },
      format: 'csv',
    });
  });

  it('refuses each bad parameter by name, all at once', () => {
    expect(
      refusal({
        from: '2026-13-01',
        to: '2026-11-02T10:30:00',
        format: 'xlsx',
        cursor: '-1',
        form: '2026-11-01',
      }),
    ).toEqual({
      code: 'validation_failed',
      fields: [
        { path: 'form', message: 'is not a parameter of this route (from, to, format, cursor)' },
        { path: 'from', message: expect.stringMatching(/ISO 8601 date or date-time with a time zone/) },
        { path: 'to', message: expect.stringMatching(/ISO 8601/) },
        { path: 'format', message: 'must be one of jsonl, csv' },
        { path: 'cursor', message: 'must be an event id (decimal digits) from an earlier export' },
      ],
    });
  });

  it('refuses a range that ends before it starts, repeated parameters and an id past bigint', () => {
    expect(refusal({ from: '2026-11-02', to: '2026-11-01' }).fields).toEqual([
      { path: 'to', message: 'must not be before from' },
    ]);
    expect(refusal({ from: ['2026-11-01', '2026-11-02'], format: ['csv', 'csv'] }).fields).toEqual([
      { path: 'from', message: 'must be given once' },
      { path: 'format', message: 'must be given once' },
    ]);
    expect(refusal({ cursor: '9223372036854775808' }).fields?.[0]?.path).toBe('cursor');
    expect(parseExportQuery({ cursor: '9223372036854775807' }, NOW).range.after).toBe(9223372036854775807n);
  });
});
