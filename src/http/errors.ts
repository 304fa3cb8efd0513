import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';

/** JSON error body shared by every route: `{ error: { code, message, fields? } }`. */
export function errorBody(error: AppError) {
  return { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } };
}

/** Answers unknown routes with a JSON 404 instead of Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody(new AppError('not_found', `no route for ${req.method} ${req.path}`)));
};

/** Maps AppErrors to their status, body and path failures to 400/413/415, and anything else to a logged, generic 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error, req);
    if (appError.status >= 500) logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(appError.status).json(errorBody(appError));
  };
}

/** Every error a request can end with, as the AppError the client is shown. */
export function toAppError(error: unknown, req: Pick<Request, 'headers'>): AppError {
  if (error instanceof AppError) return error;
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
