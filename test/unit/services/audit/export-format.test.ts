import { describe, expect, it } from 'vitest';
import { eventHash } from '../../../../src/services/audit/event-hash.ts';
import { EXPORT_COLUMNS, exportHeader, exportLine, toExportRow } from '../../../../src/services/audit/export-format.ts';

const content = {
  requestId: null,
  type: 'rule.created',
  actorType: 'rule',
  actorId: '=cmd|"/c calc"!A1',
  details: { after: { name: 'Prod, "DB"\nline two' }, rows: 12 },
  createdAt: new Date('2026-11-01T09:00:00.123Z'),
};
const hash = eventHash(null, content);
const event = { ...content, id: 9007199254740993n, prevHash: null, hash };

describe('export rows', () => {
  it('JSONL: one exact JSON object per line, from which the hash is recomputed', () => {
    const line = exportLine('jsonl', toExportRow(event));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const row = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(row)).toEqual([...EXPORT_COLUMNS]);
    // The id keeps every digit (beyond Number's 2^53).
    expect(row.id).toBe('9007199254740993');
    expect(row.createdAt).toBe('2026-11-01T09:00:00.123Z');
    const recomputed = eventHash(row.prevHash as null, {
      requestId: row.requestId as null,
      type: row.type as string,
      actorType: row.actorType as string,
      actorId: row.actorId as string,
      details: row.details,
      createdAt: new Date(row.createdAt as string),
    });
    expect(recomputed).toBe(row.hash);
  });

  it('CSV: a header, details as JSON text, hostile text quoted and defused', () => {
    expect(exportHeader('csv')).toBe('id,requestId,type,actorType,actorId,details,prevHash,hash,createdAt\r\n');
    expect(exportHeader('jsonl')).toBe('');
    expect(exportLine('csv', toExportRow(event))).toBe(
      `9007199254740993,,rule.created,rule,"'=cmd|""/c calc""!A1","{""after"":{""name"":""Prod, \\""DB\\""\\nline two""},""rows"":12}",,${hash},2026-11-01T09:00:00.123Z\r\n`,
    );
  });
});
