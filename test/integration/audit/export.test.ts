import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChainCursor } from '../../../src/services/audit/chain-check.ts';
import type { ExportRow } from '../../../src/services/audit/export-format.ts';
import { appendGlobalEvents } from '../../support/audit-events.ts';
import { query } from '../../support/database.ts';
import { API_KEY, createViaApi, startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN_KEY = `audit-${randomBytes(16).toString('hex')}`;

/** An exported row as the tests read it: details are always an object here. */
type Row = ExportRow & { details: Record<string, unknown> };

/** Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, quotes and CRLF). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error('the CSV does not end with CRLF');
  return records;
}

describe('GET /api/v1/audit (export)', () => {
  const t = useTestApp({ SERVICE_API_KEYS: `ci:${API_KEY},auditor:${ADMIN_KEY}:admin` }, { start: startLifecycleApp });
  const exportAudit = (search: string, key = ADMIN_KEY) =>
    fetch(`${t.baseUrl}/api/v1/audit${search}`, { headers: { authorization: `Bearer ${key}` } });
  const jsonl = async (search: string) => {
    const res = await exportAudit(search);
    expect(res.status).toBe(200);
    const text = await res.text();
    return text === ''
      ? []
      : text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as Row);
  };
  const exportsAudited = () =>
    query<{ actor_type: string; actor_id: string; request_id: string | null; details: Record<string, unknown> }>(
      t.database.url,
      "SELECT actor_type, actor_id, request_id, details FROM audit_events WHERE type = 'audit.exported' ORDER BY id",
    );

  it('exports the events of a range as JSONL, from inclusive and to exclusive, and audits the export', async () => {
    const ids = await appendGlobalEvents(t.app.db, [
      { type: 'seed.one', createdAt: new Date('2020-01-01T00:00:00Z'), details: { n: 1 } },
      { type: 'seed.two', createdAt: new Date('2020-01-02T00:00:00Z'), details: { n: 2, note: 'a,b "c"\nd' } },
      { type: 'seed.three', createdAt: new Date('2020-01-03T00:00:00Z'), details: { n: 3 } },
    ]);
    const res = await exportAudit('?from=2020-01-01&to=2020-01-03T00:00:00Z');
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="greenlight-audit-2020-01-01-2020-01-03.jsonl"',
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    const rows = (await res.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Row);
    expect(rows.map((row) => [row.id, row.type, row.details])).toEqual([
      [ids[0]?.toString(), 'seed.one', { n: 1 }],
      [ids[1]?.toString(), 'seed.two', { n: 2, note: 'a,b "c"\nd' }],
    ]);
    expect(rows[0]).toEqual({
      id: ids[0]?.toString(),
      requestId: null,
      type: 'seed.one',
      actorType: 'user',
      actorId: 'U0SEED0001',
      details: { n: 1 },
      // The first global event of this fresh database.
      prevHash: null,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: '2020-01-01T00:00:00.000Z',
    });
    expect(rows[1]?.prevHash).toBe(rows[0]?.hash);

    expect((await exportsAudited()).at(-1)).toEqual({
      actor_type: 'service',
      actor_id: 'auditor',
      request_id: null,
      details: {
        via: 'api',
        format: 'jsonl',
        from: '2020-01-01T00:00:00.000Z',
        to: '2020-01-03T00:00:00.000Z',
        after: null,
        rows: 2,
        complete: true,
        lastId: ids[1]?.toString(),
      },
    });
  });

  it('exports the same range as CSV with a header and RFC 4180 quoting', async () => {
    const res = await exportAudit('?from=2020-01-01&to=2020-01-03&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    const records = parseCsv(await res.text());
    expect(records[0]).toEqual([
      'id',
      'requestId',
      'type',
      'actorType',
      'actorId',
      'details',
      'prevHash',
      'hash',
      'createdAt',
    ]);
    expect(records.slice(1).map((record) => [record[2], JSON.parse(record[5] as string)])).toEqual([
      ['seed.one', { n: 1 }],
      ['seed.two', { n: 2, note: 'a,b "c"\nd' }],
    ]);
    expect(records[1]?.[1]).toBe('');
    expect((await exportsAudited()).at(-1)?.details).toMatchObject({ format: 'csv', rows: 2, complete: true });
  });

  it('defuses a formula in a CSV cell, and keeps it exact in JSONL', async () => {
    await appendGlobalEvents(t.app.db, [
      {
        type: 'seed.formula',
        actorId: '=HYPERLINK("https://evil.example")',
        createdAt: new Date('2020-02-01T00:00:00Z'),
      },
    ]);
    const csv = parseCsv(await (await exportAudit('?from=2020-02-01&to=2020-02-02&format=csv')).text());
    expect(csv[1]?.[4]).toBe('\'=HYPERLINK("https://evil.example")');
    const [row] = await jsonl('?from=2020-02-01&to=2020-02-02');
    expect(row?.actorId).toBe('=HYPERLINK("https://evil.example")');
  });

  it('resumes after a cursor, and exports nothing (but the header) for an empty range', async () => {
    const all = await jsonl('?from=2020-01-01&to=2020-01-04');
    expect(all.map((row) => row.type)).toEqual(['seed.one', 'seed.two', 'seed.three']);
    const rest = await jsonl(`?from=2020-01-01&to=2020-01-04&cursor=${all[0]?.id}`);
    expect(rest.map((row) => row.type)).toEqual(['seed.two', 'seed.three']);
    expect(await jsonl('?from=2019-01-01&to=2019-01-02')).toEqual([]);
    const empty = await exportAudit('?from=2019-01-01&to=2019-01-02&format=csv');
    expect(await empty.text()).toBe('id,requestId,type,actorType,actorId,details,prevHash,hash,createdAt\r\n');
  });

  it('exports request chains too: the whole trail, every chain verifiable from the export alone', async () => {
    const request = await createViaApi(t);
    const rows = await jsonl('');
    expect(rows.some((row) => row.requestId === request.id && row.type === 'request.created')).toBe(true);
    expect(rows.map((row) => BigInt(row.id))).toEqual(
      [...rows.map((row) => BigInt(row.id))].sort((a, b) => (a < b ? -1 : 1)),
    );
    const cursors = new Map<string | null, ChainCursor>();
    for (const row of rows) {
      const cursor = cursors.get(row.requestId) ?? new ChainCursor();
      cursors.set(row.requestId, cursor);
      const found = cursor.check({ ...row, id: BigInt(row.id), createdAt: new Date(row.createdAt) });
      expect(found, `event ${row.id}`).toBeNull();
    }
  });

  it('answers HEAD with the headers only, exporting (and auditing) nothing', async () => {
    const before = (await exportsAudited()).length;
    const res = await fetch(`${t.baseUrl}/api/v1/audit?format=csv`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(await res.text()).toBe('');
    expect((await exportsAudited()).length).toBe(before);
  });

  it('refuses bad parameters field by field, writing nothing', async () => {
    const before = (await exportsAudited()).length;
    const res = await exportAudit('?from=yesterday&format=pdf&limit=5');
    expect(res.status).toBe(400);
    expect(
      ((await res.json()) as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path),
    ).toEqual(['limit', 'from', 'format']);
    expect((await exportsAudited()).length).toBe(before);
  });

  it('streams a large export (5,000 events, several pages) whole, in id order', async () => {
    const start = Date.parse('2021-03-01T00:00:00Z');
    for (let batch = 0; batch < 5; batch += 1) {
      await appendGlobalEvents(
        t.app.db,
        Array.from({ length: 1000 }, (_, i) => ({
          type: 'seed.bulk',
          details: { i: batch * 1000 + i, padding: 'x'.repeat(200) },
          createdAt: new Date(start + (batch * 1000 + i) * 1000),
        })),
      );
    }
    const res = await exportAudit('?from=2021-03-01&to=2021-04-01');
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(5000);
    const rows = lines.map((line) => JSON.parse(line) as Row);
    expect(rows.map((row) => row.details.i)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect((await exportsAudited()).at(-1)?.details).toMatchObject({
      rows: 5000,
      complete: true,
      lastId: rows[4999]?.id,
    });
  });
});
