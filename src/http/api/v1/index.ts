import { Router } from 'express';
import type { CoreDeps } from '../../../services/ports.ts';
import { requireApiKey } from './auth.ts';
import { buildOpenApiDocument } from './openapi.ts';
import type { ApiLimits } from './rate-limits.ts';
import { requestRoutes } from './requests.ts';

/**
 * `/api/v1`: every route needs an API key, within the rate limits, except the OpenAPI document. A
 * new resource adds its router here, and its operations to openapi.ts.
 */
export function apiV1Routes(deps: CoreDeps, limits: ApiLimits): Router {
  const router = Router();
  // The contract is public, and serving it costs less than counting it (built once, no database or
  // Redis), so like /healthz it takes no key and no rate limit.
  const openapi = JSON.stringify(buildOpenApiDocument(deps.config));
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });
  router.use(requireApiKey(deps, limits));
  router.use(requestRoutes(deps));
  return router;
}
