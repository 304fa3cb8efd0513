import { Router } from 'express';
import type { CoreDeps } from '../../../services/ports.ts';
import { requireApiKey } from './auth.ts';
import type { ApiLimits } from './rate-limits.ts';
import { requestRoutes } from './requests.ts';

/** `/api/v1`: every route needs an API key, within the rate limits. A new resource adds its router here. */
export function apiV1Routes(deps: CoreDeps, limits: ApiLimits): Router {
  const router = Router();
  router.use(requireApiKey(deps, limits));
  router.use(requestRoutes(deps));
  return router;
}
