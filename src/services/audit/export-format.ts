import { csvRecord } from './csv.ts';

/** How an export is written: one JSON object per line (exact, verifiable), or CSV for spreadsheets. */
export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;

/** `jsonl` or `csv`. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What each format is served as. */
export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

/** An audit event as an export row: exactly what its hash covers, its two hashes and its id. */
export interface ExportRow {
  /** Decimal (the id is a bigint). */
  id: string;
  requestId: string | null;
  type: string;
  actorType: string;
  actorId: string | null;
  details: unknown;
  prevHash: string | null;
  hash: string | null;
  /** ISO 8601 in UTC, as hashed. */
  createdAt: string;
}

/** The CSV columns, in order; also the JSONL objects' keys. */
export const EXPORT_COLUMNS = [
  'id',
  'requestId',
  'type',
  'actorType',
  'actorId',
  'details',
  'prevHash',
  'hash',
  'createdAt',
] as const satisfies ReadonlyArray<keyof ExportRow>;

/** An audit event as stored: the export row's fields, with the id and the time not yet written out. */
export type StoredExportEvent = Omit<ExportRow, 'id' | 'createdAt'> & { id: bigint; createdAt: Date };

/** The export row of a stored event (exactly its columns: the stored row may carry more). */
export function toExportRow(event: StoredExportEvent): ExportRow {
  return {
    id: event.id.toString(),
    requestId: event.requestId,
    type: event.type,
    actorType: event.actorType,
    actorId: event.actorId,
    details: event.details,
    prevHash: event.prevHash,
    hash: event.hash,
    createdAt: event.createdAt.toISOString(),
  };
}

/** What a format writes before the first row: CSV's header record, nothing for JSONL. */
export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? csvRecord(EXPORT_COLUMNS) : '';
}

/** One row in `format`: a JSON line, or a CSV record with `details` as JSON text. */
export function exportLine(format: ExportFormat, row: ExportRow): string {
  if (format === 'jsonl') return `${JSON.stringify(row)}\n`;
  return csvRecord(EXPORT_COLUMNS.map((column) => (column === 'details' ? JSON.stringify(row.details) : row[column])));
}

/** `greenlight-audit-<from>-<to>.<format>` (dates, `start` when the range has no start): the file an export is saved as. */
export function exportFileName(from: Date | null, to: Date, format: ExportFormat): string {
  const day = (at: Date) => at.toISOString().slice(0, 10);
  return `greenlight-audit-${from === null ? 'start' : day(from)}-${day(to)}.${format}`;
}
