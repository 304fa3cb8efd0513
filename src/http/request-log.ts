import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../platform/metrics.ts';
import { runWithTrace, traceIdFrom } from '../platform/trace.ts';

/** The header a trace id is read from and echoed in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Probes and scrapes arrive every few seconds: their lines are written at debug level only. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** Methods labelled as themselves; anything else is `other`, so a client cannot mint label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Where the router matched this request, as a template: the route's path under the mount path it
 * matched in (`/api/v1/requests/:id`), never the raw path with its ids. Express sets `req.route`
 * and `req.baseUrl` as it routes and restores `baseUrl` when an error leaves a router, so both are
 * caught as they are set. A request no route matched is labelled with the deepest router it
 * entered (`/api/v1/*`: refused before its route, e.g. a missing API key), else `unmatched`.
 */
function watchRoute(req: Request): () => string {
  let template: string | undefined;
  let mount = '';
  let baseUrl = req.baseUrl ?? '';
  let route: unknown = req.route;
  Object.defineProperty(req, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => baseUrl,
    set(value: string) {
      baseUrl = value;
      if (value.length > mount.length) mount = value;
    },
  });
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (typeof value?.path === 'string') template = `${baseUrl}${value.path}`;
    },
  });
  return () => template ?? (mount === '' ? 'unmatched' : `${mount}/*`);
}

/**
 * One log line per HTTP request — method, route template, status, duration in ms, trace id — and
 * its latency in `greenlight_http_request_duration_seconds`. The trace id is the caller's
 * `x-request-id` when well-formed, else a fresh one; it is echoed in the response header and set
 * for everything the request does (log lines, and the jobs it enqueues: see platform/trace.ts).
 * Mounted first, before any route. Logs no header, query or body: nothing secret can reach it.
 */
export function requestLog(logger: Logger, metrics: Pick<Metrics, 'httpDuration'>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const traceId = traceIdFrom(req.get(REQUEST_ID_HEADER));
    res.setHeader(REQUEST_ID_HEADER, traceId);
    const routeOf = watchRoute(req);
    const method = METHODS.has(req.method) ? req.method : 'other';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf();
      // A client that hung up before the answer was sent is told apart from any status.
      const status = res.writableFinished ? res.statusCode : 0;
      metrics.httpDuration.observe({ method, route, status: String(status) }, seconds);
      const line = { traceId, method, route, status, durationMs: Math.round(seconds * 1e4) / 10 };
      if (QUIET_ROUTES.has(route)) logger.debug(line, 'http request');
      else logger.info(line, status === 0 ? 'http request aborted' : 'http request');
    };
    res.once('finish', finish);
    res.once('close', finish);
    runWithTrace({ traceId }, next);
  };
}
