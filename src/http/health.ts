import { Router } from 'express';
import { route } from './api/v1/operation.ts';
import { META_OPERATIONS } from './api/v1/operations/meta.ts';

export interface HealthChecks {
  postgres: () => Promise<boolean>;
  redis: () => Promise<boolean>;
  /** Socket Mode only: whether the Slack WebSocket is connected (absent over HTTP). */
  slackSocket?: () => boolean;
  /**
   * Whether this instance serves traffic (ROLE=all or web). Such an instance stays ready while Redis
   * is down, since its API keeps working without it; a worker (ROLE=worker) does nothing without Redis.
   */
  servesHttp: boolean;
}

/** What /readyz says while Redis is down but the instance still serves. */
export const REDIS_DEGRADED =
  'redis is down: the API still takes, decides and answers requests (PostgreSQL is the record); cards, notifications and timers wait and are repaired when it is back';

/**
 * GET /healthz answers 200 while the process runs. GET /readyz answers 503 naming what is down when
 * the instance cannot do its work: PostgreSQL down (nothing works without the record), the Slack
 * socket not connected (Socket Mode), or Redis down for a worker. An instance that serves HTTP stays
 * 200 through a Redis outage with `status: degraded` and a `warning` saying what waits, so a
 * readiness probe does not take every web pod out of the Service while the API still works.
 */
export function healthRoutes(checks: HealthChecks): Router {
  const router = Router();
  route(router, '', META_OPERATIONS.getHealth, (_req, res) => {
    res.json({ status: 'ok' });
  });
  route(router, '', META_OPERATIONS.getReadiness, async (_req, res) => {
    const [postgres, redis] = await Promise.all([checks.postgres(), checks.redis()]);
    const socket = checks.slackSocket?.();
    const redisDegrades = !redis && checks.servesHttp;
    const down = [...(postgres ? [] : ['postgres']), ...(redis || redisDegrades ? [] : ['redis'])];
    const body = {
      postgres: postgres ? 'up' : 'down',
      redis: redis ? 'up' : 'down',
      ...(socket === undefined ? {} : { slackSocket: socket ? 'connected' : 'not connected' }),
    };
    const problems = [
      ...(down.length === 0 ? [] : [`${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`]),
      ...(socket === false ? ['slack socket not connected'] : []),
    ];
    if (problems.length === 0) {
      res.json(
        redisDegrades
          ? { status: 'degraded', checks: body, warning: { code: 'degraded', message: REDIS_DEGRADED } }
          : { status: 'ready', checks: body },
      );
      return;
    }
    res.status(503).json({
      status: 'unavailable',
      checks: body,
      error: { code: 'not_ready', message: problems.join('; ') },
    });
  });
  return router;
}
