import { Router } from 'express';

export interface HealthChecks {
  postgres: () => Promise<boolean>;
  redis: () => Promise<boolean>;
  /** Socket Mode only: whether the Slack WebSocket is connected (absent over HTTP). */
  slackSocket?: () => boolean;
}

/**
 * GET /healthz answers 200 while the process runs; GET /readyz answers 200 only when PostgreSQL
 * and Redis both respond (and, in Socket Mode, the Slack socket is connected), otherwise 503
 * naming what is down.
 */
export function healthRoutes(checks: HealthChecks): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [postgres, redis] = await Promise.all([checks.postgres(), checks.redis()]);
    const socket = checks.slackSocket?.();
    const down = [...(postgres ? [] : ['postgres']), ...(redis ? [] : ['redis'])];
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
      res.json({ status: 'ready', checks: body });
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
