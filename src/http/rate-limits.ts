import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { TConfig } from '../config/index.ts';
import { createRefusalTally, type RefusalTally } from '../services/audit/refusal-tally.ts';

const MINUTE_SECONDS = 60;
/** How long an instance trusts its memory that an address is blocked before asking Redis again. */
const BLOCK_MEMO_MS = 1000;

/** The endpoints that authenticate by a signature over the body instead of an API key. */
export type WebhookSource = 'github' | 'terraform';

/**
 * The rate limits of everything that authenticates its callers: the API (keys) and the GitHub and
 * Terraform webhooks (signatures). Each answers how many milliseconds the caller must wait, or null
 * when the call may go on; a limit configured as 0 always answers null. Failed authentications are
 * counted per address across all of them: a forged signature is a failure like a wrong key.
 */
export interface ClientLimits {
  /**
   * How long `address` is still shut out for having failed authentication too often; when it is,
   * this refusal is counted in {@link refusals}. Only callers not (yet) known to be authentic are
   * asked: a valid key or signature is never refused for other requests' failures.
   */
  refuseIfBlocked(address: string): Promise<number | null>;
  /** Counts one failed authentication from `address`; non-null when this one crossed the limit. */
  countAuthFailure(address: string): Promise<number | null>;
  /** Counts one API request against `subject`'s budget (its key, or its address without a key). */
  countRequest(subject: string): Promise<number | null>;
  /** Counts one signed delivery from `address` against its budget at `source`'s endpoint. */
  countDelivery(source: WebhookSource, address: string): Promise<number | null>;
  /** Counts refusals per source so the audit trail gets one `auth.refused` row a source a minute. */
  refusals: RefusalTally;
}

/**
 * A per-minute limiter in Redis, shared by every instance, under the app's QUEUE_PREFIX. While Redis
 * is unreachable it falls back at once (`rejectIfRedisNotReady`: the producer connection has no
 * offline queue, so nothing waits) to the same limit counted in this process's memory. That keeps
 * the gate neither open (failing open would let a flood reach PostgreSQL exactly when the system is
 * already degraded) nor shut (failing closed would refuse every legitimate client because Redis is
 * down); the only cost is that during an outage each instance counts on its own.
 */
function perMinute(redis: Redis, keyPrefix: string, points: number, blockSeconds: number): RateLimiterRedis | null {
  if (points === 0) return null;
  const options = { keyPrefix, points, duration: MINUTE_SECONDS, blockDuration: blockSeconds };
  return new RateLimiterRedis({
    ...options,
    storeClient: redis,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(options),
  });
}

async function consume(limiter: RateLimiterRedis | null, key: string): Promise<number | null> {
  if (limiter === null) return null;
  try {
    await limiter.consume(key);
    return null;
  } catch (refusal) {
    // The limiter rejects with a RateLimiterRes when over the limit; anything else is a real error.
    if (refusal instanceof RateLimiterRes) return refusal.msBeforeNext;
    throw refusal;
  }
}

/** Builds the limits on the producer connection (see {@link perMinute} for Redis outages). */
export function createClientLimits(
  redis: Redis,
  config: Pick<
    TConfig,
    | 'QUEUE_PREFIX'
    | 'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE'
    | 'RATE_LIMIT_REQUESTS_PER_MINUTE'
    | 'RATE_LIMIT_WEBHOOKS_PER_MINUTE'
  >,
): ClientLimits {
  const prefix = `${config.QUEUE_PREFIX}:ratelimit`;
  const failures = config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE;
  // Past the limit the address waits a full minute, however early in its window it got there.
  const authFailures = perMinute(redis, `${prefix}:authfail`, failures, MINUTE_SECONDS);
  const requests = perMinute(redis, `${prefix}:requests`, config.RATE_LIMIT_REQUESTS_PER_MINUTE, 0);
  const deliveries = perMinute(redis, `${prefix}:webhooks`, config.RATE_LIMIT_WEBHOOKS_PER_MINUTE, 0);
  const refusals = createRefusalTally(redis, `${config.QUEUE_PREFIX}:authrefused`);
  // A flood comes from blocked addresses: for a second at a time each instance answers them from
  // memory, with no Redis round trip a request, and hands the count of those 429s to the tally after.
  const blocked = new LRUCache<string, { until: number; refused: number }>({ max: 10_000 });
  const remember = (address: string, until: number) => {
    const memo = { until, refused: 1 };
    blocked.set(address, memo);
    setTimeout(() => {
      if (blocked.get(address) === memo) blocked.delete(address);
      refusals.note(address, 'rate_limited', new Date(), memo.refused).catch(() => {});
    }, BLOCK_MEMO_MS).unref();
  };
  return {
    async refuseIfBlocked(address) {
      if (authFailures === null) return null;
      const memo = blocked.get(address);
      if (memo !== undefined && memo.until > Date.now()) {
        memo.refused += 1;
        return memo.until - Date.now();
      }
      const state = await authFailures.get(address);
      if (state === null || state.consumedPoints <= failures) return null;
      remember(address, Date.now() + state.msBeforeNext);
      return state.msBeforeNext;
    },
    countAuthFailure: (address) => consume(authFailures, address),
    countRequest: (subject) => consume(requests, subject),
    countDelivery: (source, address) => consume(deliveries, `${source}:${address}`),
    refusals,
  };
}

/** `Retry-After` for a wait in milliseconds: whole seconds, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
