import type { Prisma } from '../../../generated/prisma/client.ts';
import { getRequest, isRequestId, type RequestRow } from './reads.ts';

/**
 * Locks one request row for the rest of the transaction, so every change to it (and to its audit
 * chain) queues behind the others, and returns it as locked.
 */
export async function lockRequest(tx: Prisma.TransactionClient, id: string): Promise<RequestRow | null> {
  if (!isRequestId(id)) return null;
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM approval_requests WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  return getRequest(tx, id);
}

/**
 * Bounds how long this transaction's row-lock waits may take: past `ms`, PostgreSQL gives up with
 * 55P03, which `isContention` (locking.ts) recognises, instead of a connection waiting indefinitely.
 */
export async function limitLockWait(tx: Prisma.TransactionClient, ms: number): Promise<void> {
  await tx.$executeRaw`SELECT set_config('lock_timeout', ${String(ms)}, true)`;
}
