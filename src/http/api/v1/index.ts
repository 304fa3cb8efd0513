import { Router } from 'express';
import type { CoreDeps } from '../../../services/ports.ts';
import { requireApiKey } from './auth.ts';
import { requestRoutes } from './requests.ts';

/** `/api/v1`: every route needs an API key. A new resource adds its router here. */
export function apiV1Routes(deps: CoreDeps): Router {
  const router = Router();
  router.use(requireApiKey(deps));
  router.use(requestRoutes(deps));
  return router;
}
