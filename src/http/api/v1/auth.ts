import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type ApiKeyScope, scopeAllows } from '../../../domain/api-key-scope.ts';
import { AppError } from '../../../errors.ts';
import { type ApiClientIdentity, authenticateApiKey, hashSecret } from '../../../services/api-keys/api-keys.ts';
import { recordAudit } from '../../../services/audit/audit.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { clientAddress, rateLimited, refuseIfShutOut, SHUT_OUT } from '../../auth-gate.ts';
import type { ClientLimits } from '../../rate-limits.ts';

type Authed = Request & { client?: ApiClientIdentity };

/** How much of a refused request's path the audit row keeps: enough to see what was probed, never a flood's payload. */
const AUDIT_PATH_CHARS = 200;

/** The API client the request authenticated as; routes behind `requireApiKey` always have one. */
export function clientOf(req: Request): ApiClientIdentity {
  const client = (req as Authed).client;
  if (client === undefined) throw new AppError('unauthorized', 'missing API key');
  return client;
}

function truncate(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars)}…` : text;
}

/**
 * `Authorization: Bearer <key>` against the stored key hashes, behind two rate limits. A key whose
 * hash is an active key's (KnownApiKeys, in memory) goes straight to its own budget: other
 * requests' failures never refuse it, however many came from its address. Any other request is
 * first refused 429 while its address is shut out for failing too often (no key lookup, no audit
 * row), then counts against its key's budget (its address's without a key). The key is then
 * authenticated against the same copy (a key it does not hold is looked up in PostgreSQL), which a
 * revocation reloads on every instance (known-keys.ts). A refused key is answered 401,
 * and audited at most once a minute per address (see RefusalTally).
 */
export function requireApiKey(deps: Pick<CoreDeps, 'db' | 'now' | 'apiKeys'>, limits: ClientLimits): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const address = clientAddress(req);
    const header = req.get('authorization') ?? '';
    const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const keyHash = presented === undefined ? undefined : hashSecret(presented);
    // A set lookup of the hash (as stored), never of the key: no I/O, and nothing to time.
    const recognised = keyHash !== undefined && deps.apiKeys.recognises(keyHash);
    if (!recognised) await refuseIfShutOut(limits, address, res);
    // Keyed by the key's hash, so the budget is checked before any database work and no key is stored.
    const subject = keyHash === undefined ? `ip:${address}` : `key:${keyHash.slice(0, 32)}`;
    const overBudgetFor = await limits.countRequest(subject);
    if (overBudgetFor !== null) throw rateLimited(res, overBudgetFor, 'too many requests');

    const client = presented === undefined ? null : await authenticateApiKey(deps, presented);
    if (client === null) {
      // Revoked since the set was loaded: the next request from it meets the gate like any unknown key.
      if (keyHash !== undefined) deps.apiKeys.forget(keyHash);
      const reason = presented === undefined ? 'missing_key' : 'unknown_or_revoked_key';
      const blockedNow = await limits.countAuthFailure(address);
      const noted = await limits.refusals.note(address, 'refused', deps.now());
      if (noted.opened) {
        await deps.db.$transaction((tx) =>
          recordAudit(tx, {
            type: 'auth.refused',
            actor: { type: 'anonymous' },
            details: {
              method: req.method,
              path: truncate(req.path, AUDIT_PATH_CHARS),
              reason,
              ip: address,
              // Refusals after this one within a minute are only counted; the address's next row reports them.
              previousWindow: noted.previous,
            },
          }),
        );
      }
      if (blockedNow !== null) throw rateLimited(res, blockedNow, SHUT_OUT);
      res.setHeader('www-authenticate', 'Bearer');
      throw new AppError(
        'unauthorized',
        presented === undefined ? 'missing API key: send Authorization: Bearer <key>' : 'unknown or revoked API key',
      );
    }
    (req as Authed).client = client;
    next();
  };
}

/**
 * Lets only keys whose scope includes `needed` through (admin ⊇ request); behind `requireApiKey`.
 * Any other key is answered 403 `forbidden` and changes nothing. The refusal is audited as a global
 * `access.refused` naming the client, at most once a minute per client (the next row reports how
 * many followed, as `auth.refused` does per address), so a misconfigured job cannot flood the trail.
 */
export function requireScope(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  limits: Pick<ClientLimits, 'refusals'>,
  needed: ApiKeyScope,
): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const client = clientOf(req);
    if (scopeAllows(client.scope, needed)) {
      next();
      return;
    }
    const noted = await limits.refusals.note(`scope:${client.id}`, 'refused', deps.now());
    if (noted.opened) {
      await deps.db.$transaction((tx) =>
        recordAudit(tx, {
          type: 'access.refused',
          actor: { type: 'service', id: client.name, clientId: client.id },
          details: {
            method: req.method,
            path: truncate(req.originalUrl.split('?')[0] ?? '', AUDIT_PATH_CHARS),
            reason: 'scope',
            scope: client.scope,
            needed,
            previousWindow: noted.previous,
          },
        }),
      );
    }
    throw new AppError('forbidden', `this API key is ${client.scope}-scoped; ${needed} keys only`);
  };
}
