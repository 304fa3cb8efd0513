import { requestsWithoutEvents } from '../requests/store/reads.ts';
import type { Tx } from '../types.ts';
import { type ChainBreak, ChainCursor, type ChainedEvent } from './chain-check.ts';

/** What `npm run audit:verify`, `GET /api/v1/audit/verify` and `greenlight audit verify` report. */
export interface AuditVerifyReport {
  /** True when every chain is intact and no request lacks its events. */
  ok: boolean;
  /** Chains walked: the global one (when it has events) and one per request. */
  chainsChecked: number;
  /** Events read, those after a chain's first break included. */
  eventsChecked: number;
  /** Broken chains: each counts once, at its first break. */
  breaksFound: number;
  /** The first break of each broken chain (global chain first, then by request id), at most `maxBreaks`. */
  breaks: ChainBreak[];
}

/** How the walk reads and how much the report lists; the defaults suit any trail. */
export interface VerifyOptions {
  /** Events read per query (keyset pages, so memory stays bounded however long the trail). Default 1000. */
  pageSize?: number;
  /** How many breaks the report lists (all are counted). Default 100. */
  maxBreaks?: number;
}

const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_MAX_BREAKS = 100;

const EVENT_SELECT = {
  id: true,
  requestId: true,
  type: true,
  actorType: true,
  actorId: true,
  details: true,
  prevHash: true,
  hash: true,
  createdAt: true,
} as const;

/**
 * The ids of the next page of request events in (request id, id) order. A row comparison, which
 * PostgreSQL answers from the `(request_id, id)` index starting right at the cursor; the equivalent
 * `a > x OR (a = x AND b > y)` would rescan every earlier row on each page.
 */
async function requestPage(
  db: Tx,
  after: { requestId: string; id: bigint } | null,
  pageSize: number,
): Promise<bigint[]> {
  const rows =
    after === null
      ? await db.$queryRaw<Array<{ id: bigint }>>`
          SELECT id FROM audit_events WHERE request_id IS NOT NULL ORDER BY request_id, id LIMIT ${pageSize}`
      : await db.$queryRaw<Array<{ id: bigint }>>`
          SELECT id FROM audit_events WHERE (request_id, id) > (${after.requestId}::uuid, ${after.id})
           ORDER BY request_id, id LIMIT ${pageSize}`;
  return rows.map((row) => BigInt(row.id));
}

/** Collects the report as the walk goes; lists breaks up to the cap and counts the rest. */
class ReportBuilder {
  readonly report: AuditVerifyReport = { ok: true, chainsChecked: 0, eventsChecked: 0, breaksFound: 0, breaks: [] };
  constructor(private readonly maxBreaks: number) {}
  add(found: ChainBreak): void {
    this.report.ok = false;
    this.report.breaksFound += 1;
    if (this.report.breaks.length < this.maxBreaks) this.report.breaks.push(found);
  }
}

/** Checks events of consecutive chains as they stream by: a new chain starts a new cursor. */
class ChainWalker {
  /** The chain being walked: a request id, null for the global chain, undefined before the first event. */
  private chain: string | null | undefined;
  private cursor = new ChainCursor();
  private broken = false;
  constructor(private readonly builder: ReportBuilder) {}
  visit(event: ChainedEvent): void {
    const { report } = this.builder;
    if (event.requestId !== this.chain) {
      this.chain = event.requestId;
      this.cursor = new ChainCursor();
      this.broken = false;
      report.chainsChecked += 1;
    }
    report.eventsChecked += 1;
    // Past its first break a chain has nothing more to tell: its later links hang off a bad event.
    if (this.broken) return;
    const found = this.cursor.check(event);
    if (found === null) return;
    this.broken = true;
    this.builder.add({ ...found, requestId: event.requestId });
  }
}

/**
 * Walks the hash chain of every request and the global chain (events of no request), and reports
 * the first altered or missing event of each broken one, and every request left with no events.
 *
 * Reads in keyset pages (global chain by id, request chains by request id then id, using the
 * `(request_id, id)` index), so memory stays bounded by the page size whatever the trail's length.
 * Only reads: it can run against a replica or a restored backup. Chains only grow at their end, so
 * events appended while the walk runs are checked when reached, or simply not yet seen.
 *
 * What a chain cannot show: the newest events of a chain deleted with nothing after them leave a
 * shorter chain that is still intact. Exports kept elsewhere are the check for that (docs/reference/audit.md).
 */
export async function verifyAuditTrail(db: Tx, options: VerifyOptions = {}): Promise<AuditVerifyReport> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const builder = new ReportBuilder(options.maxBreaks ?? DEFAULT_MAX_BREAKS);

  const global = new ChainWalker(builder);
  for (let after: bigint | null = null; ; ) {
    const page: ChainedEvent[] = await db.auditEvent.findMany({
      where: { requestId: null, ...(after === null ? {} : { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take: pageSize,
      select: EVENT_SELECT,
    });
    for (const event of page) global.visit(event);
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) break;
    after = last.id;
  }

  const requests = new ChainWalker(builder);
  for (let after: { requestId: string; id: bigint } | null = null; ; ) {
    const ids = await requestPage(db, after, pageSize);
    const page: ChainedEvent[] = await db.auditEvent.findMany({
      where: { id: { in: ids } },
      orderBy: [{ requestId: 'asc' }, { id: 'asc' }],
      select: EVENT_SELECT,
    });
    for (const event of page) requests.visit(event);
    const last = page.at(-1);
    if (last === undefined || last.requestId === null || ids.length < pageSize) break;
    after = { requestId: last.requestId, id: last.id };
  }

  // Every request is created together with its first event; one with none has lost its whole chain.
  // NOT EXISTS probes the (request_id, id) index once per request, in primary-key pages.
  for (let after: string | null = null; ; ) {
    const page = await requestsWithoutEvents(db, after, pageSize);
    for (const { id } of page) {
      builder.report.chainsChecked += 1;
      builder.add({
        requestId: id,
        eventId: null,
        kind: 'missing_chain',
        previousEventId: null,
        expected: null,
        found: null,
        message: `request ${id} has no audit events: its whole chain is missing`,
      });
    }
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) break;
    after = last.id;
  }
  return builder.report;
}
