import { AppError } from '../../errors.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { createKeyedQueue } from '../../platform/keyed-queue.ts';
import type { CoreDeps } from '../ports.ts';
import type { RequestRow } from './store/reads.ts';
import { lockCurrent } from './transition.ts';

/** How long one attempt waits for another instance's lock on the row before letting go and retrying. */
const LOCK_TIMEOUT_MS = 1000;
/** Attempts before a change on a hot row gives up (the user is told to try again; nothing is written). */
const ATTEMPTS = 8;

/**
 * Changes on one request made in this process, run one after another. A burst of clicks on one card
 * then waits here — holding no database connection — instead of each click taking a pooled connection
 * to sit in PostgreSQL's lock queue, which is what ran the pool dry.
 */
const inTurn = createKeyedQueue();

/** Errors that mean "the row or the pool was busy", which a later attempt can get past. */
export function isContention(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    // P2024: no pool connection in time; P2028: transaction could not start or expired; P2034: conflict.
    if (['P2024', 'P2028', 'P2034'].includes(error.code)) return true;
  }
  const text = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : '';
  // 55P03 lock_not_available (our lock_timeout), 40001/40P01 serialization failure or deadlock.
  return /55P03|40001|40P01|lock timeout|Unable to start a transaction/i.test(text);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` in a transaction holding the request's row lock, with its deadline settled
 * (`lockCurrent`): the one way use cases change a request. Changes to one request in this process
 * queue in memory; across instances, a lock wait is bounded and retried with jitter, so contention
 * costs time, never a failed click. `locked` is null for an unknown request.
 */
export async function withLockedRequest<T>(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  requestId: string,
  work: (
    tx: Prisma.TransactionClient,
    locked: { request: RequestRow; expiredNow: boolean; now: Date } | null,
    now: Date,
  ) => Promise<T>,
): Promise<T> {
  return inTurn(requestId, async () => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await deps.db.$transaction(async (tx) => {
          const locked = await lockCurrent(tx, requestId, deps.now, LOCK_TIMEOUT_MS);
          return work(tx, locked, locked?.now ?? deps.now());
        });
      } catch (error) {
        if (!isContention(error)) throw error;
        if (attempt >= ATTEMPTS) {
          throw new AppError('busy', 'this request is busy right now: nothing was recorded, please try again');
        }
        await pause(50 * attempt + Math.random() * 100);
      }
    }
  });
}
