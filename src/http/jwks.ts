import { Router } from 'express';
import type { Grants } from '../services/grants/grants.ts';
import { route } from './api/v1/operation.ts';
import { META_OPERATIONS } from './api/v1/operations/meta.ts';

/** How long verifiers may cache the key set (jose and most libraries refetch at once on an unknown `kid`). */
const MAX_AGE_SECONDS = 300;

/** `GET /.well-known/jwks.json`: the public keys grants are signed with, for offline verification. */
export function jwksRoutes(grants: Grants): Router {
  const router = Router();
  route(router, '', META_OPERATIONS.getJwks, async (_req, res) => {
    res.setHeader('cache-control', `public, max-age=${MAX_AGE_SECONDS}`);
    res.type('application/jwk-set+json').send(JSON.stringify(await grants.keys.jwks()));
  });
  return router;
}
