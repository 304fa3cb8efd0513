import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `services/requests/store/` is the one home of every read and write of `approval_requests` and its
 * bookkeeping columns (issue 18): a query of that table anywhere else — the Prisma delegate, or raw
 * SQL naming the table — fails here.
 */
const SRC = path.resolve(import.meta.dirname, '../../../../src');
const HOME = path.join('services', 'requests', 'store');

/** The Prisma delegate called, or the table named in SQL as something read, written or joined. */
const QUERIES = [
  /\bapprovalRequest\s*\.\s*(find\w*|update\w*|create\w*|delete\w*|count|upsert|aggregate|groupBy)\b/,
  /\b(FROM|JOIN|UPDATE|INTO)\s+"?(public"?\."?)?approval_requests\b/i,
];

/**
 * Files that still query the table themselves, to move into the store (issue 18, item 1). The list
 * only shrinks: a file listed here that no longer queries the table fails too, so it is struck off.
 */
const NOT_MOVED_YET = new Set(['jobs/definitions/approver-dm.ts', 'jobs/definitions/notify-approvers.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Files under src/ (store and generated client aside) that query `approval_requests`. */
function queryingFiles(): string[] {
  return sourceFiles(SRC)
    .map((file) => path.relative(SRC, file).split(path.sep).join('/'))
    .filter((file) => !file.startsWith(`${HOME.split(path.sep).join('/')}/`))
    .filter((file) => QUERIES.some((query) => query.test(readFileSync(path.join(SRC, file), 'utf8'))))
    .sort();
}

describe('the request store', () => {
  it('is the only place that queries approval_requests', () => {
    expect(queryingFiles().filter((file) => !NOT_MOVED_YET.has(file))).toEqual([]);
  });

  it('keeps no file on the not-moved-yet list that no longer queries the table', () => {
    const querying = new Set(queryingFiles());
    expect([...NOT_MOVED_YET].filter((file) => !querying.has(file))).toEqual([]);
  });

  it('recognises a query of the table in either form', () => {
    const match = (text: string) => QUERIES.some((query) => query.test(text));
    expect(match('await tx.approvalRequest.updateMany({ where })')).toBe(true);
    expect(match('deps.db.approvalRequest\n      .findMany({})')).toBe(true);
    expect(match('SELECT id FROM approval_requests WHERE')).toBe(true);
    expect(match('UPDATE "public"."approval_requests" SET')).toBe(true);
    expect(match('LEFT JOIN approval_requests r ON r.id = t.request_id')).toBe(true);
    expect(match("type Row = Prisma.ApprovalRequestSelect; // approval_requests' columns")).toBe(false);
  });
});
