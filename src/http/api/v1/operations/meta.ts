import { type Operation, ref } from '../operation.ts';

/** The public routes outside the keyed API: the grant keys, this document, health and metrics. */
export const META_OPERATIONS = {
  getJwks: {
    method: 'get',
    path: '/.well-known/jwks.json',
    operationId: 'getJwks',
    tags: ['grants'],
    summary: 'The public keys grants are signed with',
    description:
      'Verify a grant offline: EdDSA (Ed25519), `iss` is this server’s URL, `aud` the API client’s name, `sub` the request id. Keys rotate; refetch on an unknown `kid`.',
    scope: 'public',
    ok: {
      status: 200,
      description: 'The key set.',
      schema: ref('Jwks'),
      mediaType: 'application/jwk-set+json',
      headers: { 'Cache-Control': { schema: { type: 'string' }, description: 'public, max-age=300' } },
    },
    errors: ['internal', 'unavailable'],
  },
  getOpenApi: {
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'getOpenApi',
    tags: ['meta'],
    summary: 'This document',
    description: 'The OpenAPI 3.1 description of the API, generated from the schemas that validate it.',
    scope: 'public',
    ok: { status: 200, description: 'An OpenAPI 3.1 document.', schema: { type: 'object' } },
    errors: [],
  },
  getHealth: {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tags: ['meta'],
    summary: 'Liveness',
    description: 'Answers 200 while the process runs (checks nothing else).',
    scope: 'public',
    ok: { status: 200, description: 'Running.', schema: ref('Health') },
    errors: [],
  },
  getMetrics: {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    tags: ['meta'],
    summary: 'Prometheus metrics',
    description:
      'The service’s metrics in the Prometheus text format (0.0.4): requests, decisions, time to decide, pending requests, queue depth and job lag, Slack API calls, callback deliveries, HTTP latency, and Node’s process metrics. Not an API-key route: with METRICS_TOKEN set, send `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open.',
    scope: 'public',
    ok: {
      status: 200,
      description: 'The current metrics.',
      schema: { type: 'string' },
      mediaType: 'text/plain',
    },
    errors: ['unauthorized'],
  },
  getReadiness: {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    tags: ['meta'],
    summary: 'Readiness',
    description:
      'Answers 200 while PostgreSQL answers and, in Socket Mode, the Slack socket is connected (while it connects at startup: 503 `slack socket not connected`). Redis down: 200 `degraded` on an instance that serves HTTP (ROLE=all or web; the API keeps working), 503 on a worker (ROLE=worker).',
    scope: 'public',
    ok: { status: 200, description: 'Ready.', schema: ref('Readiness') },
    errors: [],
    extraResponses: {
      '503': {
        description:
          'PostgreSQL is down, Redis is down on a worker, or the Slack socket is not connected (code not_ready).',
        content: { 'application/json': { schema: ref('Readiness') } },
      },
    },
  },
} satisfies Record<string, Operation>;
