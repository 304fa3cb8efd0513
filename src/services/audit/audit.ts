import { type Actor, auditActor, onBehalfOfDetails } from '../../domain/actor.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import type { Tx } from '../types.ts';
import { ChainCursor } from './chain-check.ts';
import { eventHash } from './event-hash.ts';

export interface AuditInput {
  requestId?: string | null;
  type: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

/**
 * Appends audit events. The table refuses UPDATE and DELETE (a trigger), and each event carries
 * the SHA-256 of its predecessor in the same stream (the request's events, or the global stream
 * for events with no request), so a rewrite by someone who can bypass the trigger is still
 * detected by `verifyAuditChain`.
 *
 * The chain must stay linear: a caller writing a request's events must hold that request's row
 * lock (`SELECT … FOR UPDATE`, an UPDATE of the row, or having created it in this transaction).
 * Global events are serialised here with a transaction-scoped advisory lock.
 */
export async function recordAudit(tx: Tx, input: AuditInput | AuditInput[]): Promise<void> {
  const events = Array.isArray(input) ? input : [input];
  if (events.length === 0) return;
  if (events.some((event) => (event.requestId ?? null) === null)) {
    await recordWithGlobal(tx, events);
    return;
  }
  await writeChained(
    tx,
    events,
    (audit) => tx.$queryRaw<Array<{ ok: boolean }>>`
    WITH ${audit.guard}, inserted AS (${audit.insert} RETURNING 1)
    SELECT (SELECT ok FROM ok) AS ok`,
  );
}

/** Events of the global stream (and any others with them): serialised by an advisory lock, heads read. */
async function recordWithGlobal(tx: Tx, events: AuditInput[]): Promise<void> {
  const requestIds = [...new Set(events.map((event) => event.requestId ?? null))];
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('audit:global', 0))`;
  const ids = requestIds.filter((id): id is string => id !== null);
  const last = new Map<string | null, string | null>(ids.length > 0 ? await readHeads(tx, ids) : []);
  const previous = await tx.auditEvent.findFirst({
    where: { requestId: null },
    orderBy: { id: 'desc' },
    select: { hash: true },
  });
  last.set(null, previous?.hash ?? null);
  const data = chainEvents(events, last, new Date());
  await tx.auditEvent.createMany({ data });
  forgetHeads(tx);
}

/** The last hash of each request's stream, read now. */
async function readHeads(tx: Tx, ids: string[]): Promise<Map<string, string | null>> {
  const rows = await tx.$queryRaw<Array<{ request_id: string; hash: string | null }>>`
    SELECT DISTINCT ON (request_id) request_id::text AS request_id, hash
      FROM audit_events WHERE request_id = ANY(${ids}::uuid[]) ORDER BY request_id, id DESC`;
  const heads = new Map<string, string | null>(ids.map((id) => [id, null]));
  for (const row of rows) heads.set(row.request_id, row.hash);
  return heads;
}

/**
 * The last audit hash of each request stream, as known to one open transaction: the row lock reads
 * it in the same statement that takes the lock (store/locks.ts), and each insert advances it, so a
 * change writes its events without reading the head again. A head read while waiting for the lock
 * may be stale (the statement's snapshot predates the wait); every insert is therefore guarded by
 * the head it chains from, checked in the inserting statement — which runs under the held lock and
 * so sees the truth. A mismatch writes nothing, and the events are chained again from a fresh read.
 */
const knownHeads = new WeakMap<object, Map<string, string | null>>();

/** Records the head of a request's stream for this transaction (see {@link knownHeads}). */
export function rememberAuditHead(tx: Tx, requestId: string, hash: string | null): void {
  const heads = knownHeads.get(tx) ?? new Map<string, string | null>();
  heads.set(requestId, hash);
  knownHeads.set(tx, heads);
}

function forgetHeads(tx: Tx): void {
  knownHeads.delete(tx);
}

/** Request events chained and ready to insert, as SQL: `guard` defines a CTE `ok`, `insert` writes them when ok. */
export interface ChainedAudit {
  guard: Prisma.Sql;
  insert: Prisma.Sql;
}

/**
 * Chains request events (every event names a request whose row lock the caller holds) and has
 * `write` run the statement that inserts them, guarded by the heads they chain from; `write` may
 * fold other changes of the same unit into that statement, each gated by `ok`. Returns what `write`
 * returned. A stale head (see {@link knownHeads}) writes nothing and is retried once from a fresh read.
 */
export async function writeChained<R extends { ok: boolean }>(
  tx: Tx,
  events: AuditInput[],
  write: (audit: ChainedAudit) => Promise<R[]>,
): Promise<R> {
  const ids = [...new Set(events.map((event) => event.requestId as string))];
  for (let attempt = 0; ; attempt += 1) {
    const cached = knownHeads.get(tx);
    const heads =
      attempt === 0 && cached !== undefined && ids.every((id) => cached.has(id))
        ? new Map(ids.map((id) => [id, cached.get(id) ?? null]))
        : await readHeads(tx, ids);
    const expected = JSON.stringify([...heads].map(([request_id, hash]) => ({ request_id, hash })));
    const last = new Map<string | null, string | null>(heads);
    const rows = chainEvents(events, last, new Date());
    const [result] = await write({ guard: guardSql(expected), insert: insertSql(rows) });
    if (result?.ok) {
      if (cached !== undefined) for (const id of ids) cached.set(id, last.get(id) ?? null);
      return result;
    }
    if (attempt > 0) throw new Error('the audit chain moved while its request was locked');
  }
}

/** A CTE `ok`: whether every stream's last hash is still the one the events chain from. */
function guardSql(expected: string): Prisma.Sql {
  return Prisma.sql`ok AS (
    SELECT coalesce(bool_and((SELECT a.hash FROM audit_events a WHERE a.request_id = e.request_id
                                ORDER BY a.id DESC LIMIT 1) IS NOT DISTINCT FROM e.hash), true) AS ok
      FROM jsonb_to_recordset(${expected}::jsonb) AS e(request_id uuid, hash text))`;
}

/** An audit event chained and ready to insert (its request aside). */
export interface ChainedAuditRow {
  type: string;
  actorType: string;
  actorId: string | null;
  details: unknown;
  prevHash: string | null;
  hash: string;
  createdAt: Date;
}

/** Audit rows as one JSON array with the table's column names, for `jsonb_to_recordset` in a single INSERT. */
export function auditRowsJson(rows: Array<ChainedAuditRow & { requestId?: string | null }>): string {
  return JSON.stringify(
    rows.map((row) => ({
      request_id: row.requestId ?? null,
      type: row.type,
      actor_type: row.actorType,
      actor_id: row.actorId,
      details: row.details,
      prev_hash: row.prevHash,
      hash: row.hash,
      created_at: row.createdAt.toISOString(),
    })),
  );
}

/** The INSERT of chained rows, in their order, when `ok` holds. */
function insertSql(rows: ReturnType<typeof chainEvents>): Prisma.Sql {
  const json = auditRowsJson(rows);
  return Prisma.sql`INSERT INTO audit_events (request_id, type, actor_type, actor_id, details, prev_hash, hash, created_at)
    SELECT e.request_id, e.type, e.actor_type, e.actor_id, e.details, e.prev_hash, e.hash, e.created_at
      FROM ok, ROWS FROM (jsonb_to_recordset(${json}::jsonb)
             AS (request_id uuid, type text, actor_type text, actor_id text, details jsonb, prev_hash text,
                 hash text, created_at timestamptz)) WITH ORDINALITY
           AS e(request_id, type, actor_type, actor_id, details, prev_hash, hash, created_at, position)
     WHERE ok.ok
     ORDER BY e.position`;
}

/**
 * Audit rows for `events`, each linked to the previous event of its stream; `last` holds each
 * stream's last hash so far and is advanced as rows are chained.
 */
function chainEvents(events: AuditInput[], last: Map<string | null, string | null>, createdAt: Date) {
  return events.map((event) => {
    const requestId = event.requestId ?? null;
    const prevHash = last.get(requestId) ?? null;
    // A service acting for a person says so in the event itself (covered by the hash like the rest).
    const details = { ...(event.details ?? {}), ...onBehalfOfDetails(event.actor) };
    const { actorType, actorId } = auditActor(event.actor);
    const hash = eventHash(prevHash, {
      requestId,
      type: event.type,
      actorType,
      actorId,
      details,
      createdAt,
    });
    last.set(requestId, hash);
    return {
      requestId,
      type: event.type,
      actorType,
      actorId,
      details: details as Prisma.InputJsonValue,
      prevHash,
      hash,
      createdAt,
    };
  });
}

/**
 * The first events of a request that is being created, chained from nothing, as data for a nested
 * create: nobody else can see the request yet, so no lock or lookup is needed.
 */
export function initialAuditEvents(requestId: string, inputs: Array<Omit<AuditInput, 'requestId'>>, createdAt: Date) {
  const rows = chainEvents(
    inputs.map((input) => ({ ...input, requestId })),
    new Map(),
    createdAt,
  );
  return rows.map(({ requestId: _requestId, ...row }) => row);
}

/**
 * Recomputes one stream's chain (a request's, or the global one for null); returns the id of the
 * first event that does not match (its content, its link, or a missing predecessor), or null when
 * the whole stream is intact. The checks are verify.ts's, which walks every chain.
 */
export async function verifyAuditChain(tx: Tx, requestId: string | null): Promise<bigint | null> {
  const events = await tx.auditEvent.findMany({ where: { requestId }, orderBy: { id: 'asc' } });
  const chain = new ChainCursor();
  for (const event of events) {
    if (chain.check(event) !== null) return event.id;
  }
  return null;
}
