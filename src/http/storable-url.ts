import type { NextFunction, Request, Response } from 'express';
import { isStorableText, NOT_STORABLE, unstorablePaths } from '../domain/storable-text.ts';
import { AppError, type FieldError } from '../errors.ts';

/**
 * Refuses (400 `validation_failed`, nothing read or written) a URL whose decoded path or query holds
 * text PostgreSQL cannot store: `%00` decodes to NUL, which reaches a route as `req.params.id` or a
 * query value and fails in PostgreSQL (22021) as a 500. Mounted once before every route, so no
 * route's path or query parameter can forget the check. A segment that is not valid percent-encoding
 * is left to the route, which answers it as before.
 */
export function refuseUnstorableUrl(req: Request, _res: Response, next: NextFunction): void {
  const fields: FieldError[] = [];
  for (const segment of req.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      continue;
    }
    if (!isStorableText(decoded)) {
      fields.push({ path: '(path)', message: `the URL path ${NOT_STORABLE}` });
      break;
    }
  }
  for (const path of unstorablePaths(req.query)) fields.push({ path, message: NOT_STORABLE });
  if (fields.length > 0) throw new AppError('validation_failed', 'the URL is invalid', fields);
  next();
}
