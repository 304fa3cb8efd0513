import type { Actor } from '../../domain/actor.ts';
import type { Db } from '../../platform/db.ts';
import type { Tx } from '../types.ts';
import { recordAudit } from './audit.ts';
import { type ExportFormat, exportHeader, exportLine, toExportRow } from './export-format.ts';

/** Which events an export holds: created in [from, to), with ids after `after` (to resume one). */
export interface ExportRange {
  /** Inclusive; null: from the first event. */
  from: Date | null;
  /** Exclusive. */
  to: Date;
  /** Only events with a greater id (the last id of an interrupted export); null: all. */
  after: bigint | null;
}

/** A piece of an export: the text of one page of events (the first also carries CSV's header). */
export interface ExportChunk {
  text: string;
  /** Events in this chunk. */
  rows: number;
  /** The id of its last event, null when it has none. */
  lastId: string | null;
}

const DEFAULT_PAGE_SIZE = 1000;

/**
 * The events of `range` in `format`, one chunk per page of `pageSize` events read by id (keyset, so
 * memory stays bounded however many there are). The first chunk is read as soon as the generator is
 * first asked, so a caller can answer an error before it has sent anything; it carries the CSV
 * header even when the range is empty.
 */
export async function* exportChunks(
  db: Tx,
  range: ExportRange,
  format: ExportFormat,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<ExportChunk> {
  let header = exportHeader(format);
  for (let after = range.after; ; ) {
    const page = await db.auditEvent.findMany({
      where: {
        createdAt: { ...(range.from === null ? {} : { gte: range.from }), lt: range.to },
        ...(after === null ? {} : { id: { gt: after } }),
      },
      orderBy: { id: 'asc' },
      take: pageSize,
    });
    const last = page.at(-1);
    const text = page.map((event) => exportLine(format, toExportRow(event))).join('');
    if (page.length > 0 || header !== '') {
      yield { text: header + text, rows: page.length, lastId: last?.id.toString() ?? null };
    }
    header = '';
    if (last === undefined || page.length < pageSize) return;
    after = last.id;
  }
}

/** What an `audit.exported` event records. */
export interface ExportRecord {
  via: 'api' | 'slack';
  format: ExportFormat;
  range: ExportRange;
  rows: number;
  /** False when the export stopped early (the client went away, a failure, too large for Slack). */
  complete: boolean;
  /** The last event id delivered, to resume from. */
  lastId: string | null;
}

/**
 * Audits an export as a global `audit.exported` event: who, through what, which range and format,
 * how many events, and whether it finished. Taking a copy of the trail is itself on the trail.
 */
export async function recordExport(db: Db, actor: Actor, record: ExportRecord): Promise<void> {
  await db.$transaction((tx) =>
    recordAudit(tx, {
      type: 'audit.exported',
      actor,
      details: {
        via: record.via,
        format: record.format,
        from: record.range.from?.toISOString() ?? null,
        to: record.range.to.toISOString(),
        after: record.range.after?.toString() ?? null,
        rows: record.rows,
        complete: record.complete,
        lastId: record.lastId,
      },
    }),
  );
}
