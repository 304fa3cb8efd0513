import type { Prisma } from '../../../generated/prisma/client.ts';
import { rememberAuditHead } from '../../audit/audit.ts';
import { getRequest, isRequestId, type RequestRow } from './reads.ts';

/**
 * Locks one request row for the rest of the transaction, so every change to it (and to its audit
 * chain) queues behind the others; returns whether the row exists. ONE statement also bounds how
 * long the lock wait may take — past `lockWaitMs` PostgreSQL gives up with 55P03, which
 * `isContention` (locking.ts) recognises, instead of a connection waiting indefinitely: the
 * transaction-local `set_config` in the filter runs on the row before the lock is taken — and reads
 * the head of the request's audit chain, so the change's events need no read of their own (a head
 * read while waiting may be stale: audit.ts guards every insert by it).
 */
export async function lockRow(tx: Prisma.TransactionClient, id: string, lockWaitMs: number): Promise<boolean> {
  if (!isRequestId(id)) return false;
  const locked = await tx.$queryRaw<Array<{ head: string | null }>>`
    SELECT (SELECT a.hash FROM audit_events a WHERE a.request_id = r.id ORDER BY a.id DESC LIMIT 1) AS head
      FROM approval_requests r
     WHERE r.id = ${id}::uuid AND set_config('lock_timeout', ${String(lockWaitMs)}, true) IS NOT NULL
       FOR UPDATE OF r`;
  const [row] = locked;
  if (row === undefined) return false;
  rememberAuditHead(tx, id, row.head);
  return true;
}

/** {@link lockRow}, then the request as locked. */
export async function lockRequest(
  tx: Prisma.TransactionClient,
  id: string,
  lockWaitMs: number,
): Promise<RequestRow | null> {
  if (!(await lockRow(tx, id, lockWaitMs))) return null;
  return getRequest(tx, id);
}
