import { Redis, type RedisOptions } from 'ioredis';
import { redactUrl } from './logger.ts';
import { withTimeout } from './timeout.ts';

export type RedisRole = 'producer' | 'worker';

/**
 * Opens a Redis connection the way BullMQ's production guide asks: a worker connection
 * (`maxRetriesPerRequest: null`) waits out a Redis outage and resumes, while a producer
 * connection fails fast (no offline queue) so an HTTP request or readiness probe never
 * hangs behind a dead Redis. Both reconnect forever with a capped backoff.
 */
export function createRedis(url: string, role: RedisRole): Redis {
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...(role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false }),
  };
  const redis = new Redis(url, options);
  // Connection errors are reported by readiness and by whoever uses the connection; an
  // 'error' event with no listener would crash the process instead.
  redis.on('error', () => {});
  return redis;
}

/** Connects and pings once; throws an error naming REDIS_URL when Redis cannot be reached. */
export async function connectRedis(redis: Redis, url: string, timeoutMs = 5000): Promise<void> {
  try {
    await withTimeout(
      (async () => {
        if (redis.status === 'wait') await redis.connect();
        await redis.ping();
      })(),
      timeoutMs,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Redis is unreachable at REDIS_URL=${redactUrl(url)}: ${reason}`);
  }
}

/** Answers whether Redis responds to PING within `timeoutMs`. */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    await withTimeout(redis.ping(), timeoutMs);
    return true;
  } catch {
    return false;
  }
}
