import type { ErrorRequestHandler, RequestHandler } from 'express';
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

/** Maps AppErrors to their status, body-parser failures to 400/413/415, and anything else to a logged, generic 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    if (appError.status >= 500) logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(appError.status).json(errorBody(appError));
  };
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // body-parser errors carry a `type` and an HTTP `status`; their messages are safe to show.
  const candidate = error as { type?: string; status?: number; limit?: number };
  switch (candidate.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', `request body exceeds ${candidate.limit ?? 'the'} bytes`);
    case 'entity.parse.failed':
      return new AppError('bad_request', 'request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'request body encoding is not supported');
    default:
      return new AppError('internal', 'internal error');
  }
}
