import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';

/** How long a client should wait before retrying when the database is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** JSON error body shared by every route: `{ error: { code, message, fields? } }`. */
export function errorBody(error: AppError) {
  return { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } };
}

/** Answers unknown routes with a JSON 404 instead of Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody(new AppError('not_found', `no route for ${req.method} ${req.path}`)));
};

/**
 * Maps AppErrors to their status, body and path failures to 400/413/415, an unreachable database to
 * 503 with Retry-After, and anything else to a logged, generic 500.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error, req);
    if (appError.code === 'unavailable') {
      logger.warn({ err: error, method: req.method, path: req.path }, 'database unavailable');
    } else if (appError.status >= 500) {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    }
    if (res.headersSent) return;
    if (appError.code === 'unavailable') res.setHeader('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    res.status(appError.status).json(errorBody(appError));
  };
}

/** Every error a request can end with, as the AppError the client is shown. */
export function toAppError(error: unknown, req: Pick<Request, 'headers'>): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError('unavailable', 'the database is unreachable; retry shortly');
  }
  // Express's router throws a URIError (status 400) for a path parameter it cannot percent-decode.
  if (error instanceof URIError) {
    return new AppError('bad_request', 'the request path holds malformed percent-encoding');
  }
  // body-parser (and raw-body under it) errors carry a `type` and an HTTP `status`.
  const candidate = error as { type?: string; status?: number; limit?: number; charset?: string; encoding?: string };
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  switch (candidate.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', `request body exceeds ${candidate.limit ?? 'the limit of'} bytes`);
    case 'entity.parse.failed':
      return new AppError('bad_request', 'request body is not valid JSON');
    case 'encoding.unsupported':
      return new AppError(
        'unsupported_media_type',
        `content encoding "${candidate.encoding ?? encoding}" is not supported: send identity, gzip, deflate or br`,
      );
    case 'charset.unsupported':
      return new AppError(
        'unsupported_media_type',
        `charset "${candidate.charset ?? 'unknown'}" is not supported: send the body as UTF-8`,
      );
    case 'request.size.invalid':
      return new AppError('bad_request', 'request body length does not match Content-Length');
    case 'request.aborted':
      return new AppError('bad_request', 'request body was cut short');
  }
  // A body that fails to decompress reaches here as zlib's own error, given status 400 by body-parser.
  if (candidate.status === 400 && encoding !== 'identity') {
    return new AppError('bad_request', `request body is not valid ${encoding}`);
  }
  return new AppError('internal', 'internal error');
}

/** Socket errors that mean the database server could not be reached or dropped the connection. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
/** Prisma's codes for "can't reach", "timed out", "server closed the connection" and "pool timeout". */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
/** @prisma/adapter-pg's error kinds for the same. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** node-postgres raises these as plain Errors without a code. */
const PG_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Can't reach database server|Client has encountered a connection error/;

/**
 * Whether `error` says PostgreSQL cannot be reached right now (so a retry may succeed), rather than
 * that the query was wrong: refused or reset sockets, connect and pool timeouts, the server shutting
 * down or refusing connections (SQLSTATE class 08, 57P01–57P03, 53300, any FATAL). It looks through
 * Prisma's wrapping: `meta.driverAdapterError` and `cause` chains.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): boolean => {
    if (typeof value !== 'object' || value === null || depth > 6 || seen.has(value)) return false;
    seen.add(value);
    const e = value as {
      code?: unknown;
      kind?: unknown;
      severity?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    const code = typeof e.code === 'string' ? e.code : '';
    if (SOCKET_CODES.has(code) || PRISMA_CODES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
    if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
    // A FATAL error ends the session: the server is shutting down or not accepting this connection.
    if (e.kind === 'postgres' && (e.severity === 'FATAL' || e.severity === 'PANIC')) return true;
    if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
    return visit(e.meta?.driverAdapterError, depth + 1) || visit(e.cause, depth + 1);
  };
  return visit(error, 0);
}
