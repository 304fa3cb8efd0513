import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/params-hash.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Actor, Tx } from './types.ts';

export interface AuditInput {
  requestId?: string | null;
  /**
   * The first event of a request created in this same transaction: nobody else can see the row
   * yet, so there is no predecessor to look up or lock against.
   */
  first?: boolean;
  type: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

/** Events are chained per request (requests' events) or in one global stream (events with no request). */
function streamKey(requestId: string | null): string {
  return requestId ?? 'global';
}

function eventHash(
  prevHash: string | null,
  event: {
    requestId: string | null;
    type: string;
    actorType: string;
    actorId: string | null;
    details: unknown;
    createdAt: Date;
  },
): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        prev: prevHash,
        requestId: event.requestId,
        type: event.type,
        actorType: event.actorType,
        actorId: event.actorId,
        details: event.details,
        createdAt: event.createdAt.toISOString(),
      }),
    )
    .digest('hex');
}

/**
 * Appends an audit event. The table refuses UPDATE and DELETE (a trigger), and each event carries
 * the SHA-256 of its predecessor in the same stream, so a rewrite by someone who can bypass the
 * trigger is still detected by `verifyAuditChain`. A transaction-scoped advisory lock per stream
 * keeps the chain linear when events for one request are written concurrently.
 */
export async function recordAudit(tx: Tx, input: AuditInput): Promise<void> {
  const requestId = input.requestId ?? null;
  let prevHash: string | null = null;
  if (!(input.first && requestId !== null)) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${streamKey(requestId)}`}, 0))`;
    const previous = await tx.auditEvent.findFirst({
      where: { requestId },
      orderBy: { id: 'desc' },
      select: { hash: true },
    });
    prevHash = previous?.hash ?? null;
  }
  const createdAt = new Date();
  const details = input.details ?? {};
  const actorId = input.actor.id ?? null;
  await tx.auditEvent.create({
    data: {
      requestId,
      type: input.type,
      actorType: input.actor.type,
      actorId,
      details: details as Prisma.InputJsonValue,
      prevHash,
      hash: eventHash(prevHash, {
        requestId,
        type: input.type,
        actorType: input.actor.type,
        actorId,
        details,
        createdAt,
      }),
      createdAt,
    },
  });
}

/**
 * Recomputes a stream's chain; returns the id of the first event that does not match (its content or
 * its link was changed), or null when the whole stream is intact.
 */
export async function verifyAuditChain(tx: Tx, requestId: string | null): Promise<bigint | null> {
  const events = await tx.auditEvent.findMany({ where: { requestId }, orderBy: { id: 'asc' } });
  let prevHash: string | null = null;
  for (const event of events) {
    const expected = eventHash(prevHash, {
      requestId: event.requestId,
      type: event.type,
      actorType: event.actorType,
      actorId: event.actorId,
      details: event.details,
      createdAt: event.createdAt,
    });
    if (event.prevHash !== prevHash || event.hash !== expected) return event.id;
    prevHash = event.hash;
  }
  return null;
}
