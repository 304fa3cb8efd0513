import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { AppError } from '../errors.ts';
import type { Metrics } from '../platform/metrics.ts';
import { route } from './api/v1/operation.ts';
import { META_OPERATIONS } from './api/v1/operations/meta.ts';

/** Compares in constant time, whatever the lengths: both sides are hashed to 32 bytes first. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * `GET /metrics`: the app's registry in Prometheus text format. With `token` set (METRICS_TOKEN),
 * the scraper must send `Authorization: Bearer <token>` or is answered 401; without it, the route
 * is open (keep it off the public network then). No rate limit: a scrape costs one cached COUNT
 * and a few Redis reads.
 */
export function metricsRoutes(metrics: Metrics, token: string | undefined): Router {
  const router = Router();
  route(router, '', META_OPERATIONS.getMetrics, async (req, res) => {
    if (token !== undefined) {
      const presented = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (presented === undefined || !sameSecret(presented, token)) {
        res.setHeader('www-authenticate', 'Bearer');
        throw new AppError(
          'unauthorized',
          presented === undefined ? 'missing token: send Authorization: Bearer <METRICS_TOKEN>' : 'wrong metrics token',
        );
      }
    }
    const body = await metrics.registry.metrics();
    res.setHeader('cache-control', 'no-store');
    res.type(metrics.registry.contentType).send(body);
  });
  return router;
}
