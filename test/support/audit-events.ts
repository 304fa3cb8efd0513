import type { Prisma } from '../../src/generated/prisma/client.ts';
import type { Db } from '../../src/platform/db.ts';
import { eventHash } from '../../src/services/audit/event-hash.ts';

/** A global audit event to seed, with the creation time a test wants (recordAudit stamps "now"). */
export interface SeedEvent {
  type: string;
  actorId?: string;
  details?: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Appends global events (no request) at chosen times, chained exactly as recordAudit chains them
 * (under its advisory lock, from the global chain's last hash), so the trail stays verifiable.
 * For export range tests, which need events at known instants.
 */
export async function appendGlobalEvents(db: Db, events: SeedEvent[]): Promise<bigint[]> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('audit:global', 0))`;
    const last = await tx.auditEvent.findFirst({
      where: { requestId: null },
      orderBy: { id: 'desc' },
      select: { hash: true },
    });
    let prevHash = last?.hash ?? null;
    const rows = events.map((event) => {
      const content = {
        requestId: null,
        type: event.type,
        actorType: 'user',
        actorId: event.actorId ?? 'U0SEED0001',
        details: event.details ?? {},
        createdAt: event.createdAt,
      };
      const hash = eventHash(prevHash, content);
      const row = { ...content, details: content.details as Prisma.InputJsonValue, prevHash, hash };
      prevHash = hash;
      return row;
    });
    const created = await tx.auditEvent.createManyAndReturn({ data: rows, select: { id: true } });
    return created.map((row) => row.id);
  });
}
