import { Redis } from 'ioredis';
import { REDIS_URL } from './run.ts';

const BATCH = 500;

/** Escapes Redis glob characters, so a prefix matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, '\\$&');
}

/** The SCAN pattern of every key under a BullMQ prefix (BullMQ names its keys `<prefix>:<queue>:...`). */
export function keysUnder(prefix: string): string {
  return `${escapeGlob(prefix)}:*`;
}

/** The SCAN pattern of every key whose name starts with `start`. */
export function keysStartingWith(start: string): string {
  return `${escapeGlob(start)}*`;
}

async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  // Its own connection: the app's are closed (or broken) by the time anyone cleans up after it.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function scanEach(redis: Redis, pattern: string, onBatch: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH);
    cursor = next;
    if (keys.length > 0) await onBatch(keys);
  } while (cursor !== '0');
}

/** Every key matching a SCAN pattern (see keysUnder / keysStartingWith). */
export async function findKeys(pattern: string, url = REDIS_URL): Promise<string[]> {
  return withRedis(url, async (redis) => {
    const found = new Set<string>();
    await scanEach(redis, pattern, async (keys) => {
      for (const key of keys) found.add(key);
    });
    return [...found];
  });
}

/**
 * Removes every key matching a SCAN pattern with UNLINK, a batch at a time, and returns how many
 * it removed. Never FLUSHDB: the Redis server is shared with other runs and other engineers.
 */
export async function removeKeys(pattern: string, url = REDIS_URL): Promise<number> {
  return withRedis(url, async (redis) => {
    let removed = 0;
    await scanEach(redis, pattern, async (keys) => {
      removed += await redis.unlink(...keys);
    });
    return removed;
  });
}
