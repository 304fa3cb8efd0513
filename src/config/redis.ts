import { definePart, integer, matching, url, withDefault } from './fields.ts';

/** Redis, the BullMQ queues on it, and the reconciler that repairs them from PostgreSQL. */
export const redis = definePart({
  REDIS_URL: withDefault(url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379'),
  QUEUE_PREFIX: withDefault(matching(/^[a-zA-Z0-9_-]+$/, 'made only of letters, digits, _ and -'), 'greenlight'),
  WORKER_CONCURRENCY: withDefault(integer(1, 500), 32),
  RECONCILE_INTERVAL_SECONDS: withDefault(integer(1, 3600), 60),
});
