import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { publicUrl } from '../../../config/grants.ts';
import type { TConfig } from '../../../config/index.ts';
import { ERROR_STATUS, type ErrorCode } from '../../../errors.ts';
import { ZRuleDocument } from '../../../services/routing/rule-document.ts';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../errors.ts';
import { EXPORT_PARAMETERS } from './audit-query.ts';
import {
  createRequestSchema,
  MAX_WAIT_SECONDS,
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
  ZIdempotencyKey,
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

/** A piece of the OpenAPI document (plain JSON). */
type Json = Record<string, unknown>;

/** Where component schemas live in the document. */
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

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

/** Every route under /api/v1 that needs a key can answer these. */
const AUTHED: ErrorCode[] = ['unauthorized', 'rate_limited', 'internal', 'unavailable'];
/** A route with `{id}` in its path. */
const BY_ID: ErrorCode[] = ['bad_request', 'not_found'];
/** A route that reads a JSON body. */
const WITH_BODY: ErrorCode[] = ['bad_request', 'validation_failed', 'payload_too_large', 'unsupported_media_type'];
/** A route that changes a request under its row lock. */
const LOCKED: ErrorCode[] = ['busy'];

/** One operation of the API, as the table below describes it. */
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  /** False for the public routes: no API key. */
  auth: boolean;
  parameters?: Json[];
  body?: { schema: Json; required: boolean };
  ok: {
    status: number;
    description: string;
    schema: Json;
    mediaType?: string;
    headers?: Json;
    /** Media type → schema, when the answer comes in several types (replaces `schema`/`mediaType`). */
    content?: Record<string, Json>;
  };
  errors: ErrorCode[];
  /** Answers other than JSON error bodies (e.g. /readyz's own 503). */
  extraResponses?: Json;
}

const ID_PARAMETER: Json = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The request id returned by POST /api/v1/requests.',
  schema: { type: 'string', format: 'uuid' },
};

const RULE_ID_PARAMETER: Json = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The rule id (GET /api/v1/rules lists them).',
  schema: { type: 'string', format: 'uuid' },
};

/** How every rule is checked, for the rules routes' descriptions. */
const RULE_CHECKS =
  'Checked by the same schema and checks as the App Home rule editor, with the same messages: `fields` lists every problem by its path in the document (`match.actions.0`, `reminder.afterSeconds`, `escalation.1.channel` …), and nothing is changed.';

/** A route for admin keys only (`requireScope('admin')`). */
const ADMIN: ErrorCode[] = ['forbidden'];

const ISO_INSTANT_PARAMETER: Json = {
  type: 'string',
  examples: ['2026-11-01', '2026-11-01T09:00:00Z'],
  description: 'ISO 8601: a date (midnight UTC) or a date-time with Z or an offset.',
};

/** The table of every operation the server answers (the test checks it against the real router). */
function operations(): Operation[] {
  return [
    {
      method: 'post',
      path: '/api/v1/requests',
      operationId: 'createRequest',
      tags: ['requests'],
      summary: 'Ask for approval',
      description:
        'Creates a pending request, routes it to its approvers and posts the approval card in Slack. A routing rule may decide at once (approved or denied). Follow it with GET /api/v1/requests/{id}?wait=…, or a callback.',
      auth: true,
      parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: jsonSchema(ZIdempotencyKey) }],
      body: { schema: ref('CreateRequestBody'), required: true },
      ok: {
        status: 201,
        description: 'Created (or, with a repeated Idempotency-Key and the same body, the original request).',
        schema: ref('Request'),
        headers: {
          Location: { description: 'The new request’s URL path.', schema: { type: 'string' } },
          'Idempotent-Replayed': {
            description: '`true` when this answers an earlier request with the same Idempotency-Key.',
            schema: { type: 'string', enum: ['true'] },
          },
        },
      },
      errors: [...AUTHED, ...WITH_BODY, 'conflict', 'unprocessable', 'not_configured', 'slack_unavailable'],
    },
    {
      method: 'get',
      path: '/api/v1/requests/{id}',
      operationId: 'getRequest',
      tags: ['requests'],
      summary: 'Read a request, optionally waiting for a decision',
      description:
        'Returns the request with its audit trail. With `wait`, a pending request is held open until it is decided or `wait` seconds pass, whichever comes first.',
      auth: true,
      parameters: [
        ID_PARAMETER,
        {
          name: 'wait',
          in: 'query',
          required: false,
          description: 'Long-poll: seconds to wait while the request is pending (decimal digits).',
          schema: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0 },
        },
      ],
      ok: {
        status: 200,
        description: 'The request, with `audit`.',
        schema: { allOf: [ref('Request'), { type: 'object', required: ['audit'] }] },
      },
      errors: [...AUTHED, ...BY_ID, 'validation_failed'],
    },
    {
      method: 'post',
      path: '/api/v1/requests/{id}/cancel',
      operationId: 'cancelRequest',
      tags: ['requests'],
      summary: 'Withdraw a pending request',
      description:
        'Only a pending request can be cancelled; the card in Slack is updated. No body is the same as `{}`.',
      auth: true,
      parameters: [ID_PARAMETER],
      body: { schema: ref('ReasonBody'), required: false },
      ok: { status: 200, description: 'The cancelled request.', schema: ref('Request') },
      errors: [...AUTHED, ...BY_ID, ...WITH_BODY, ...LOCKED, 'conflict'],
    },
    {
      method: 'post',
      path: '/api/v1/requests/{id}/execute',
      operationId: 'executeRequest',
      tags: ['grants'],
      summary: 'Spend the grant (once)',
      description:
        'Records that the approved action is being carried out now. Each grant can be spent once: a second attempt is 409 already_executed.',
      auth: true,
      parameters: [ID_PARAMETER],
      body: { schema: ref('ExecuteBody'), required: true },
      ok: { status: 200, description: 'The executed request.', schema: ref('Request') },
      errors: [
        ...AUTHED,
        ...BY_ID,
        ...WITH_BODY,
        ...LOCKED,
        'conflict',
        'already_executed',
        'revoked',
        'lapsed',
        'invalid_grant',
      ],
    },
    {
      method: 'post',
      path: '/api/v1/requests/{id}/revoke',
      operationId: 'revokeGrant',
      tags: ['grants'],
      summary: 'Revoke an unspent grant',
      description: 'Ends an approved request’s grant before it is used. No body is the same as `{}`.',
      auth: true,
      parameters: [ID_PARAMETER],
      body: { schema: ref('ReasonBody'), required: false },
      ok: { status: 200, description: 'The revoked request.', schema: ref('Request') },
      errors: [...AUTHED, ...BY_ID, ...WITH_BODY, ...LOCKED, 'conflict', 'already_executed', 'revoked', 'lapsed'],
    },
    {
      method: 'post',
      path: '/api/v1/requests/{id}/extend',
      operationId: 'requestExtension',
      tags: ['grants'],
      summary: 'Ask to extend an unspent grant',
      description:
        'Asks the request’s routed approvers for `seconds` more on an approved, not yet executed grant (`extension.requested` audited). The request stays approved and its grant unchanged until one approver decides in Slack (the card’s thread): approval issues a NEW grant token (same request binding, `exp` = the old expiry + `seconds`, at most 30 days after the approval) that `GET /requests/{id}` then returns in `grant`; the old token keeps its `exp` but can no longer be executed. The answer lists the extension in `extensions` (status `pending`). One extension waits at a time (409 `conflict`); 409 `already_executed`, `revoked` or `lapsed` when the grant ended; a waiting extension is closed as `moot` if the grant ends first.',
      auth: true,
      parameters: [ID_PARAMETER],
      body: { schema: ref('ExtendBody'), required: true },
      ok: { status: 200, description: 'The request, with the extension waiting.', schema: ref('Request') },
      errors: [...AUTHED, ...BY_ID, ...WITH_BODY, ...LOCKED, 'conflict', 'already_executed', 'revoked', 'lapsed'],
    },
    {
      method: 'post',
      path: '/api/v1/requests/{id}/result',
      operationId: 'reportResult',
      tags: ['grants'],
      summary: 'Report how the executed action ended',
      description:
        'Adds `execution.reported` to the audit trail; the status stays executed. Allowed only once the request is executed; every report is recorded.',
      auth: true,
      parameters: [ID_PARAMETER],
      body: { schema: ref('ResultBody'), required: true },
      ok: { status: 200, description: 'The request.', schema: ref('Request') },
      errors: [...AUTHED, ...BY_ID, ...WITH_BODY, ...LOCKED, 'conflict'],
    },
    {
      method: 'get',
      path: '/api/v1/audit',
      operationId: 'exportAudit',
      tags: ['audit'],
      summary: 'Export the audit trail (admin keys)',
      description:
        'Streams every audit event created in [from, to) by ascending id, as JSONL (exact: each line verifies against its hash chain) or CSV for spreadsheets. The export is written while it is read, so an interrupted one ends without its final chunk: resume with `cursor` set to the last id received. Each export is itself audited (`audit.exported`: who, range, format, rows, complete). Unknown parameters are refused.',
      auth: true,
      parameters: [
        {
          name: 'from',
          in: 'query',
          required: false,
          description: 'Events created at or after this instant (default: the first).',
          schema: ISO_INSTANT_PARAMETER,
        },
        {
          name: 'to',
          in: 'query',
          required: false,
          description: 'Events created before this instant (default: now).',
          schema: ISO_INSTANT_PARAMETER,
        },
        {
          name: 'format',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: ['jsonl', 'csv'], default: 'jsonl' },
        },
        {
          name: 'cursor',
          in: 'query',
          required: false,
          description: 'Only events after this id: the last id of an interrupted export.',
          schema: { type: 'string', pattern: '^[0-9]{1,19}$' },
        },
      ],
      ok: {
        status: 200,
        description: `The events, streamed. Parameters: ${EXPORT_PARAMETERS.join(', ')}.`,
        schema: { type: 'string' },
        headers: {
          'Content-Disposition': {
            description: 'attachment; filename="greenlight-audit-<from>-<to>.<format>"',
            schema: { type: 'string' },
          },
        },
        content: {
          'application/x-ndjson': {
            type: 'string',
            description: 'One AuditExportRow JSON object per line (LF-terminated), by ascending id.',
          },
          'text/csv': {
            type: 'string',
            description:
              "A header record (id,requestId,type,actorType,actorId,details,prevHash,hash,createdAt), then one record per event; RFC 4180 quoting, CRLF line ends, details as JSON text. A field beginning with = + - @ (or tab, CR) gets a leading ' so spreadsheets never run it as a formula; verify from JSONL, which is exact.",
          },
        },
      },
      errors: [...AUTHED, ...ADMIN, 'validation_failed'],
    },
    {
      method: 'get',
      path: '/api/v1/audit/verify',
      operationId: 'verifyAudit',
      tags: ['audit'],
      summary: 'Verify every audit hash chain (admin keys)',
      description:
        'Walks the hash chain of every request and of the global events and reports the first altered or missing event of each broken chain. Answers 200 whether or not the trail is intact: `ok` tells. Audited as `audit.verified`.',
      auth: true,
      ok: { status: 200, description: 'The report.', schema: ref('AuditVerifyReport') },
      errors: [...AUTHED, ...ADMIN],
    },
    {
      method: 'get',
      path: '/api/v1/rules',
      operationId: 'listRules',
      tags: ['rules'],
      summary: 'List the routing rules (admin keys)',
      description:
        'Every routing rule in priority order (the first enabled match wins), each as its rule document in canonical form with its id, position and `managedBy`; and every identity link (`identities.github`: login → Slack user id). Together, a rules file’s content: `greenlight rules export` writes it.',
      auth: true,
      ok: { status: 200, description: 'The rules.', schema: ref('RuleList') },
      errors: [...AUTHED, ...ADMIN],
    },
    {
      method: 'post',
      path: '/api/v1/rules',
      operationId: 'createRule',
      tags: ['rules'],
      summary: 'Add a routing rule at the end (admin keys)',
      description: `Adds the rule last in the list; audited as \`rule.created\`. ${RULE_CHECKS} \`priority\` cannot be given: reorder with PUT /api/v1/rules or in App Home.`,
      auth: true,
      body: { schema: ref('RuleDocument'), required: true },
      ok: {
        status: 201,
        description: 'The new rule.',
        schema: ref('Rule'),
        headers: { Location: { description: 'The new rule’s URL path.', schema: { type: 'string' } } },
      },
      errors: [...AUTHED, ...ADMIN, ...WITH_BODY],
    },
    {
      method: 'put',
      path: '/api/v1/rules',
      operationId: 'replaceRules',
      tags: ['rules'],
      summary: 'Replace every routing rule with a list (admin keys)',
      description: `Rules as code: the list becomes the whole set, in its order (or by \`priority\`). Rules are matched by name: new names are added, others changed in place, rules missing from the list deleted; every rule of the list is marked \`managedBy: file\` (App Home shows it managed as code). Applied in one transaction, all or nothing, each change audited with before and after, then \`rules.applied\`. With \`identities\`, the identity links become exactly the body's in the same transaction (audited \`identity.replaced\`); without that key they are left as they are. With \`dryRun=true\` only the diff is answered. ${RULE_CHECKS} Paths start with the rule's index in the list: \`rules[3].match.actions.0\`; identity problems are named \`identities.github.<login>\`.`,
      auth: true,
      parameters: [
        {
          name: 'dryRun',
          in: 'query',
          required: false,
          description: 'true: answer the diff without changing anything.',
          schema: { type: 'string', enum: ['true', 'false'], default: 'false' },
        },
      ],
      body: { schema: ref('RulesBody'), required: true },
      ok: { status: 200, description: 'What changed (or would change).', schema: ref('RulesApplied') },
      errors: [...AUTHED, ...ADMIN, ...WITH_BODY],
    },
    {
      method: 'patch',
      path: '/api/v1/rules/{id}',
      operationId: 'updateRule',
      tags: ['rules'],
      summary: 'Change some fields of a rule (admin keys)',
      description: `A JSON Merge Patch (RFC 7396) of the rule's document: objects merge field by field, \`null\` resets a field to its default, anything else replaces it. The merged rule is then checked whole; audited as \`rule.updated\` with before and after. ${RULE_CHECKS}`,
      auth: true,
      parameters: [RULE_ID_PARAMETER],
      body: { schema: { type: 'object', description: 'Any fields of a RuleDocument.' }, required: true },
      ok: { status: 200, description: 'The rule as it now stands.', schema: ref('Rule') },
      errors: [...AUTHED, ...ADMIN, ...BY_ID, ...WITH_BODY, 'conflict'],
    },
    {
      method: 'delete',
      path: '/api/v1/rules/{id}',
      operationId: 'deleteRule',
      tags: ['rules'],
      summary: 'Delete a rule (admin keys)',
      description: 'The rule stops routing requests at once; audited as `rule.deleted` with what it was.',
      auth: true,
      parameters: [RULE_ID_PARAMETER],
      ok: { status: 204, description: 'Deleted.', schema: {} },
      errors: [...AUTHED, ...ADMIN, ...BY_ID],
    },
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJwks',
      tags: ['grants'],
      summary: 'The public keys grants are signed with',
      description:
        'Verify a grant offline: EdDSA (Ed25519), `iss` is this server’s URL, `aud` the API client’s name, `sub` the request id. Keys rotate; refetch on an unknown `kid`.',
      auth: false,
      ok: {
        status: 200,
        description: 'The key set.',
        schema: ref('Jwks'),
        mediaType: 'application/jwk-set+json',
        headers: { 'Cache-Control': { schema: { type: 'string' }, description: 'public, max-age=300' } },
      },
      errors: ['internal', 'unavailable'],
    },
    {
      method: 'get',
      path: '/api/v1/openapi.json',
      operationId: 'getOpenApi',
      tags: ['meta'],
      summary: 'This document',
      description: 'The OpenAPI 3.1 description of the API, generated from the schemas that validate it.',
      auth: false,
      ok: { status: 200, description: 'An OpenAPI 3.1 document.', schema: { type: 'object' } },
      errors: [],
    },
    {
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      tags: ['meta'],
      summary: 'Liveness',
      description: 'Answers 200 while the process runs (checks nothing else).',
      auth: false,
      ok: { status: 200, description: 'Running.', schema: ref('Health') },
      errors: [],
    },
    {
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      tags: ['meta'],
      summary: 'Prometheus metrics',
      description:
        'The service’s metrics in the Prometheus text format (0.0.4): requests, decisions, time to decide, pending requests, queue depth and job lag, Slack API calls, callback deliveries, HTTP latency, and Node’s process metrics. Not an API-key route: with METRICS_TOKEN set, send `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open.',
      auth: false,
      ok: {
        status: 200,
        description: 'The current metrics.',
        schema: { type: 'string' },
        mediaType: 'text/plain',
      },
      errors: ['unauthorized'],
    },
    {
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      tags: ['meta'],
      summary: 'Readiness',
      description:
        'Answers 200 while PostgreSQL answers and, in Socket Mode, the Slack socket is connected (while it connects at startup: 503 `slack socket not connected`). Redis down: 200 `degraded` on an instance that serves HTTP (ROLE=all or web; the API keeps working), 503 on a worker (ROLE=worker).',
      auth: false,
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
  ];
}

/** One schema on its own (inline), without the document-level keywords. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  return rest;
}

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
    ...(op.auth ? {} : { security: [] }),
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
  for (const op of operations()) paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op) };
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
