import { Router } from 'express';
import type { CoreDeps } from '../../../services/ports.ts';
import type { ClientLimits } from '../../rate-limits.ts';
import { auditRoutes } from './audit.ts';
import { requireApiKey, requireScope } from './auth.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { API_V1, adminPrefixes, route } from './operation.ts';
import { OPERATIONS } from './operations/index.ts';
import { META_OPERATIONS } from './operations/meta.ts';
import { requestRoutes } from './requests.ts';
import { ruleRoutes } from './rules.ts';

/**
 * `/api/v1`: every route needs an API key, within the rate limits, except the OpenAPI document. A
 * new resource declares its operations under operations/ (their `scope` decides who may call them)
 * and adds its router here.
 */
export function apiV1Routes(deps: CoreDeps, limits: ClientLimits): Router {
  const router = Router();
  // The contract is public, and serving it costs less than counting it (built once, no database or
  // Redis), so like /healthz it takes no key and no rate limit.
  const openapi = JSON.stringify(buildOpenApiDocument(deps.config));
  route(router, API_V1, META_OPERATIONS.getOpenApi, (_req, res) => {
    res.type('application/json').send(openapi);
  });
  router.use(requireApiKey(deps, limits));
  // Every key may ask for approvals (admin keys too); only admin keys reach the audit trail and the rules.
  for (const prefix of adminPrefixes(OPERATIONS, API_V1)) router.use(prefix, requireScope(deps, limits, 'admin'));
  router.use(requestRoutes(deps));
  router.use(auditRoutes(deps));
  router.use(ruleRoutes(deps));
  return router;
}
