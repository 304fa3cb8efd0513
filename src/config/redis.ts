import { definePart, integer, matching, optional, url, withDefault } from './fields.ts';

/**
 * Redis, the BullMQ queues on it, and the reconciler that repairs them from PostgreSQL. An unset
 * REDIS_URL is resolved at startup (platform/embedded-redis.ts): 127.0.0.1:6379 if a Redis answers
 * there, else a private redis-server under DATA_DIR.
 */
export const redis = definePart({
  REDIS_URL: optional(url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379')),
  QUEUE_PREFIX: withDefault(matching(/^[a-zA-Z0-9_-]+$/, 'made only of letters, digits, _ and -'), 'greenlight'),
  WORKER_CONCURRENCY: withDefault(integer(1, 500), 32),
  RECONCILE_INTERVAL_SECONDS: withDefault(integer(1, 3600), 60),
});
