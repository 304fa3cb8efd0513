import { randomUUID } from 'node:crypto';
import { createKeyedQueue } from '../platform/keyed-queue.ts';
import type { JobDeps } from './queues.ts';

/** How long a card turn may hold its lock: above Slack's call timeout, so only a crashed holder lets it lapse. */
const LOCK_MS = 30_000;
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

const localTurn = createKeyedQueue();

/** Another instance is posting or updating this card right now; the job retries with its backoff. */
export class CardBusyError extends Error {
  constructor(requestId: string) {
    super(`card of ${requestId} is being sent by another instance; retrying`);
    this.name = 'CardBusyError';
  }
}

/**
 * Card work (post, update) for one request runs one at a time: in this process through an in-memory
 * queue, across instances through a short Redis lock. Each turn renders the row as it is then, sends it
 * and records the version it showed, so two updates can never reach Slack in the opposite order of
 * the versions they render.
 */
export function inCardTurn<T>(
  deps: Pick<JobDeps, 'redis' | 'config'>,
  requestId: string,
  work: () => Promise<T>,
): Promise<T> {
  return localTurn(requestId, async () => {
    const key = `${deps.config.QUEUE_PREFIX}:card-lock:${requestId}`;
    const token = randomUUID();
    if ((await deps.redis.set(key, token, 'PX', LOCK_MS, 'NX')) !== 'OK') throw new CardBusyError(requestId);
    try {
      return await work();
    } finally {
      await deps.redis.eval(RELEASE, 1, key, token).catch(() => {});
    }
  });
}
