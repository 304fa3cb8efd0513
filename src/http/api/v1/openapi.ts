import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { publicUrl } from '../../../config/grants.ts';
import type { TConfig } from '../../../config/index.ts';
import { ERROR_STATUS, type ErrorCode } from '../../../errors.ts';
import { ZRuleDocument } from '../../../services/routing/rule-document.ts';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../errors.ts';
import { type Json, type Operation, ref } from './operation.ts';
import { OPERATIONS } from './operations/index.ts';
import {
  createRequestSchema,
  ZActor,
  ZAuditChainBreak,
  ZAuditExportRow,
  ZAuditVerifyReport,
  ZCallbackEvent,
  ZCancelBody,
  ZErrorBody,
  ZExecuteBody,
  ZExtendBody,
  ZHealth,
  ZInstant,
  ZJwks,
  ZReadiness,
  ZRequestJson,
  ZRequestStatus,
  ZResultBody,
  ZRuleJson,
  ZRuleList,
  ZRulesApplied,
  ZRulesBody,
} from './schemas.ts';

/** What each error code tells the caller, for the responses' descriptions. */
const CODE_MEANING: Record<ErrorCode, string> = {
  bad_request: 'the body is not valid JSON, was cut short, or the path holds malformed percent-encoding',
  validation_failed: 'a field is invalid; `fields` lists each one',
  unauthorized: 'no API key, or an unknown or revoked one',
  forbidden: 'the API key’s scope does not allow this: admin keys only',
  not_found: 'no such request for this API key (another client’s requests are not found either)',
  conflict: 'the request’s status does not allow this (on create: the Idempotency-Key was used with another body)',
  already_executed: 'the grant was already spent',
  revoked: 'the grant was revoked',
  lapsed: 'the grant’s window passed unused',
  payload_too_large: 'the body exceeds 64 kB',
  unsupported_media_type: 'the body is not application/json, or its charset or content encoding is not supported',
  unprocessable: 'valid, but cannot be done: the requester is not in Slack or deactivated, or too few approvers',
  invalid_grant: 'the token is not this request’s current grant (altered, expired, another request’s, unknown key)',
  rate_limited: 'too many requests, or too many failed authentications from this address; see Retry-After',
  internal: 'an unexpected error (logged)',
  busy: 'the request is being changed by many at once; nothing was recorded, retry at once',
  not_ready: 'PostgreSQL or Redis is down, or (Socket Mode) the Slack socket is not connected',
  unavailable: 'the database is unreachable; nothing was recorded, retry after Retry-After',
  not_configured: 'no routing rule matches and no default route is configured',
  slack_unavailable: 'Slack could not be reached; retry (with the same Idempotency-Key)',
};

/**
 * A pipe that pre-checks raw input before parsing it (`z.unknown().superRefine(…).pipe(real)`, e.g.
 * `context`) accepts exactly what its output side describes: document that side for requests too.
 */
function describePrecheckedPipes(io: 'input' | 'output') {
  return (ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: z.core.JSONSchema.BaseSchema }) => {
    const def = ctx.zodSchema._zod.def;
    if (io !== 'input' || def.type !== 'pipe' || def.in._zod.def.type !== 'unknown') return;
    const { $schema: _, ...outputSide } = z.toJSONSchema(def.out, { target: 'draft-2020-12', io });
    Object.assign(ctx.jsonSchema, outputSide);
  };
}

/** Named schemas of one direction (request bodies read as input, responses as output), for components.schemas. */
function componentSchemas(entries: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(entries)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (id) => `#/components/schemas/${id}`,
    override: describePrecheckedPipes(io),
  });
  // Only cycles would be pulled out into shared $defs, and the API's schemas have none: say so if one appears.
  if ('__shared' in schemas) throw new Error('a recursive API schema needs its own component: register it by name');
  // `$id`/`$schema` would make each component its own resource; in the document they are plain schemas.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, $schema: _schema, ...schema }]) => [id, schema as Json]),
  );
}

const RETRY_AFTER: Json = {
  description: 'Seconds to wait before retrying.',
  schema: { type: 'integer', minimum: 1 },
};

/** The JSON error responses of `codes`, one per HTTP status, each listing its codes and what they mean. */
function errorResponses(codes: ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, Json> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Json = {};
    if (statusCodes.includes('rate_limited')) headers['Retry-After'] = { ...RETRY_AFTER, required: true };
    if (statusCodes.includes('unavailable')) {
      headers['Retry-After'] = {
        ...RETRY_AFTER,
        description: `Sent with \`unavailable\` (${UNAVAILABLE_RETRY_AFTER_SECONDS} s).`,
      };
    }
    if (statusCodes.includes('unauthorized')) {
      headers['WWW-Authenticate'] = { description: '`Bearer`', schema: { type: 'string' } };
    }
    responses[String(status)] = {
      description: statusCodes.map((code) => `\`${code}\`: ${CODE_MEANING[code]}.`).join(' '),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: {
        'application/json': {
          schema: {
            allOf: [
              ref('Error'),
              {
                type: 'object',
                properties: { error: { type: 'object', properties: { code: { enum: statusCodes } } } },
              },
            ],
          },
        },
      },
    };
  }
  return responses;
}

function operationObject(op: Operation): Json {
  return {
    operationId: op.operationId,
    tags: op.tags,
    summary: op.summary,
    description: op.description,
    ...(op.scope === 'public' ? { security: [] } : {}),
    ...(op.parameters === undefined ? {} : { parameters: op.parameters }),
    ...(op.body === undefined
      ? {}
      : { requestBody: { required: op.body.required, content: { 'application/json': { schema: op.body.schema } } } }),
    responses: {
      [String(op.ok.status)]: {
        description: op.ok.description,
        ...(op.ok.headers === undefined ? {} : { headers: op.ok.headers }),
        // 204 No Content has no body to describe.
        ...(op.ok.status === 204
          ? {}
          : {
              content:
                op.ok.content === undefined
                  ? { [op.ok.mediaType ?? 'application/json']: { schema: op.ok.schema } }
                  : Object.fromEntries(Object.entries(op.ok.content).map(([type, schema]) => [type, { schema }])),
            }),
      },
      ...errorResponses(op.errors),
      ...op.extraResponses,
    },
  };
}

/** The Standard Webhooks headers every callback is signed with. */
const WEBHOOK_HEADERS: Json[] = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'One per request and status, the same on every retry: deduplicate on it.',
    schema: { type: 'string', examples: ['msg_3f0c6a8e-2b1d-4c6e-9a51-0d3e2f4b5c6d_approved'] },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'Seconds since the Unix epoch when this attempt was signed; refuse stale ones.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      'Space-separated `v1,<base64 HMAC-SHA256>` signatures of `<webhook-id>.<webhook-timestamp>.<body>` with the API key’s own signing secret (keys made in App Home) or else CALLBACK_SIGNING_SECRET (`whsec_…`).',
    schema: { type: 'string' },
  },
];

/** The package version, read from package.json beside src/ and dist/ (both sit at the same depth). */
function packageVersion(): string {
  const file = new URL('../../../../package.json', import.meta.url);
  return z.object({ version: z.string() }).parse(JSON.parse(readFileSync(file, 'utf8'))).version;
}

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas in schemas.ts that validate
 * the requests and type the responses (so the document cannot drift from the code). Built once at
 * startup: the TTL bounds come from this instance's configuration, the server URL from PUBLIC_URL.
 */
export function buildOpenApiDocument(
  config: Pick<TConfig, 'PUBLIC_URL' | 'PORT' | 'MIN_TTL_SECONDS' | 'MAX_TTL_SECONDS'>,
): Json {
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Greenlight',
      version: packageVersion(),
      description:
        'Just-in-time approvals in Slack for services: ask with POST /api/v1/requests, wait (long-poll or callback), then spend the signed grant once with /execute.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: publicUrl(config) }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'requests', description: 'Approval requests.' },
      { name: 'grants', description: 'What an approval yields: a signed, single-use grant.' },
      { name: 'audit', description: 'The tamper-evident audit trail: export and verify (admin keys).' },
      { name: 'rules', description: 'Routing rules as code: list, add, change, delete, replace (admin keys).' },
      { name: 'meta', description: 'Health and this document.' },
    ],
    paths,
    webhooks: {
      requestChanged: {
        post: {
          operationId: 'requestChanged',
          summary: 'A request changed status',
          description:
            'POSTed to the request’s `callbackUrl` each time it reaches a status other than pending, signed per Standard Webhooks (verify with any Standard Webhooks library). `data` is the request as it is at delivery. Answer any 2xx; 410 Gone stops every later callback for this request; anything else, or no answer, is retried with backoff for up to 24 hours under the same webhook-id.',
          security: [],
          parameters: WEBHOOK_HEADERS,
          requestBody: { required: true, content: { 'application/json': { schema: ref('CallbackEvent') } } },
          responses: {
            '2XX': { description: 'Received.' },
            '410': { description: 'Stop sending callbacks for this request.' },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (SERVICE_API_KEYS, or created in App Home): `Authorization: Bearer <key>`. Request-scoped keys use the requests and grants routes; admin keys (`name:secret:admin`, or chosen in App Home) also the audit and rules routes.',
        },
      },
      schemas: {
        ...componentSchemas(
          {
            CreateRequestBody: createRequestSchema(config),
            ReasonBody: ZCancelBody,
            ExecuteBody: ZExecuteBody,
            ResultBody: ZResultBody,
            ExtendBody: ZExtendBody,
            RuleDocument: ZRuleDocument,
            RulesBody: ZRulesBody,
            // Answered with defaults omitted (the canonical document), so described as written, not as parsed.
            Rule: ZRuleJson,
            RuleList: ZRuleList,
            RulesApplied: ZRulesApplied,
          },
          'input',
        ),
        ...componentSchemas(
          {
            Request: ZRequestJson,
            RequestStatus: ZRequestStatus,
            Actor: ZActor,
            Timestamp: ZInstant,
            Error: ZErrorBody,
            Jwks: ZJwks,
            CallbackEvent: ZCallbackEvent,
            Health: ZHealth,
            Readiness: ZReadiness,
            AuditExportRow: ZAuditExportRow,
            AuditChainBreak: ZAuditChainBreak,
            AuditVerifyReport: ZAuditVerifyReport,
          },
          'output',
        ),
      },
    },
  };
}
