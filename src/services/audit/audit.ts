import { type Actor, auditActor, onBehalfOfDetails } from '../../domain/actor.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
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
  const requestIds = [...new Set(events.map((event) => event.requestId ?? null))];
  if (requestIds.includes(null)) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('audit:global', 0))`;
  }
  const last = new Map<string | null, string | null>();
  const ids = requestIds.filter((id): id is string => id !== null);
  if (ids.length > 0) {
    const rows = await tx.$queryRaw<Array<{ request_id: string; hash: string | null }>>`
      SELECT DISTINCT ON (request_id) request_id::text AS request_id, hash
        FROM audit_events WHERE request_id = ANY(${ids}::uuid[]) ORDER BY request_id, id DESC`;
    for (const row of rows) last.set(row.request_id, row.hash);
  }
  if (requestIds.includes(null)) {
    const previous = await tx.auditEvent.findFirst({
      where: { requestId: null },
      orderBy: { id: 'desc' },
      select: { hash: true },
    });
    last.set(null, previous?.hash ?? null);
  }
  const data = chainEvents(events, last, new Date());
  await tx.auditEvent.createMany({ data });
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
