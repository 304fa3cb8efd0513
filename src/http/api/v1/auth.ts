import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../../../errors.ts';
import { type ApiClientIdentity, authenticateApiKey } from '../../../services/api-keys/api-keys.ts';
import { recordAudit } from '../../../services/audit/audit.ts';
import type { CoreDeps } from '../../../services/ports.ts';

type Authed = Request & { client?: ApiClientIdentity };

/** The API client the request authenticated as; routes behind `requireApiKey` always have one. */
export function clientOf(req: Request): ApiClientIdentity {
  const client = (req as Authed).client;
  if (client === undefined) throw new AppError('unauthorized', 'missing API key');
  return client;
}

/** `Authorization: Bearer <key>` against the stored key hashes; refusals are audited and answered 401. */
export function requireApiKey(deps: Pick<CoreDeps, 'db' | 'now'>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const client = match?.[1] === undefined ? null : await authenticateApiKey(deps, match[1]);
    if (client === null) {
      await recordAudit(deps.db, {
        type: 'auth.refused',
        actor: { type: 'anonymous' },
        details: {
          method: req.method,
          path: req.path,
          reason: match ? 'unknown_or_revoked_key' : 'missing_key',
          ip: req.ip ?? null,
        },
      });
      res.setHeader('www-authenticate', 'Bearer');
      throw new AppError(
        'unauthorized',
        match ? 'unknown or revoked API key' : 'missing API key: send Authorization: Bearer <key>',
      );
    }
    (req as Authed).client = client;
    next();
  };
}
