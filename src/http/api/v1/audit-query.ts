import { z } from 'zod';
import { AppError, type FieldError } from '../../../errors.ts';
import type { ExportRange } from '../../../services/audit/export.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../../services/audit/export-format.ts';

/** The query parameters `GET /api/v1/audit` takes; any other is refused, so a typo never widens an export. */
export const EXPORT_PARAMETERS = ['from', 'to', 'format', 'cursor'] as const;

const INSTANT = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const CURSOR = /^\d{1,19}$/;
const MAX_BIGINT = 2n ** 63n - 1n;
/**
 * The instants a parameter may name. ISO 8601 allows year 0000, which PostgreSQL has no such year for
 * (22008, a 500); nothing in the trail is older than 1970 or later than 9999, so the range says so.
 */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10000, 0, 1) - 1;

/** What an export was asked for: its range and format. */
export interface ExportQuery {
  range: ExportRange;
  format: ExportFormat;
}

/** An instant parameter: ISO 8601 date-time with Z or an offset, or a date (midnight UTC). */
function instant(raw: unknown, path: string, fields: FieldError[]): Date | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') {
    fields.push({ path, message: 'must be given once' });
    return undefined;
  }
  const at = INSTANT.safeParse(raw).success ? new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : null;
  if (at === null || Number.isNaN(at.getTime())) {
    fields.push({
      path,
      message: 'must be an ISO 8601 date or date-time with a time zone, e.g. 2026-11-01 or 2026-11-01T09:00:00Z',
    });
    return undefined;
  }
  if (at.getTime() < EARLIEST || at.getTime() > LATEST) {
    fields.push({ path, message: 'must be between 1970-01-01 and 9999-12-31' });
    return undefined;
  }
  return at;
}

/**
 * Reads `?from&to&format&cursor`: from (inclusive) and to (exclusive, default now) bound the events'
 * creation time, format is jsonl (default) or csv, cursor is the last event id of an earlier export
 * to continue after. Every problem is one field-level 400; nothing is read on refusal.
 */
export function parseExportQuery(query: Record<string, unknown>, now: Date): ExportQuery {
  const fields: FieldError[] = [];
  for (const name of Object.keys(query)) {
    if (!(EXPORT_PARAMETERS as readonly string[]).includes(name)) {
      fields.push({ path: name, message: `is not a parameter of this route (${EXPORT_PARAMETERS.join(', ')})` });
    }
  }
  const from = instant(query.from, 'from', fields);
  const to = instant(query.to, 'to', fields);
  if (from !== undefined && to !== undefined && to < from)
    fields.push({ path: 'to', message: 'must not be before from' });

  let format: ExportFormat = 'jsonl';
  if (query.format !== undefined) {
    const known = EXPORT_FORMATS.find((candidate) => candidate === query.format);
    if (known === undefined) {
      fields.push({
        path: 'format',
        message: Array.isArray(query.format) ? 'must be given once' : `must be one of ${EXPORT_FORMATS.join(', ')}`,
      });
    } else format = known;
  }

  let after: bigint | null = null;
  if (query.cursor !== undefined) {
    const raw = query.cursor;
    if (typeof raw === 'string' && CURSOR.test(raw) && BigInt(raw) <= MAX_BIGINT) after = BigInt(raw);
    else {
      fields.push({
        path: 'cursor',
        message: Array.isArray(raw)
          ? 'must be given once'
          : 'must be an event id (decimal digits) from an earlier export',
      });
    }
  }
  if (fields.length > 0) throw new AppError('validation_failed', 'the export parameters are invalid', fields);
  return { range: { from: from ?? null, to: to ?? now, after }, format };
}
