import { AppError } from '../../errors.ts';
import type { Tx } from '../types.ts';
import { findByIdempotencyKey, isUniqueViolation } from './store/intake.ts';
import type { RequestRow } from './store/reads.ts';

/** An API client's Idempotency-Key and the hash of the body it came with. */
export interface IdempotencyKey {
  clientId: string;
  key: string;
  bodyHash: string;
}

export interface Replay {
  request: RequestRow;
  /** True when the key matched an earlier request: nothing new was created. */
  replayed: boolean;
}

/**
 * The idempotency protocol of request creation: a repeat of the same body answers the original
 * request; the same key with a different body is a conflict. `create` runs the insert; when two
 * retries with one key race past the lookup, the loser's unique violation is answered like a replay.
 */
export async function withIdempotency(
  tx: Tx,
  idempotency: IdempotencyKey | undefined,
  create: () => Promise<RequestRow>,
): Promise<Replay> {
  if (idempotency !== undefined) {
    const earlier = await replayOf(tx, idempotency);
    if (earlier !== null) return earlier;
  }
  try {
    return { request: await create(), replayed: false };
  } catch (error) {
    if (idempotency !== undefined && isUniqueViolation(error)) {
      const earlier = await replayOf(tx, idempotency);
      if (earlier !== null) return earlier;
    }
    throw error;
  }
}

async function replayOf(tx: Tx, { clientId, key, bodyHash }: IdempotencyKey): Promise<Replay | null> {
  const existing = await findByIdempotencyKey(tx, clientId, key);
  if (existing === null) return null;
  if (existing.idempotencyHash !== bodyHash) {
    throw new AppError('conflict', 'this Idempotency-Key was already used with a different request body');
  }
  return { request: existing, replayed: true };
}
