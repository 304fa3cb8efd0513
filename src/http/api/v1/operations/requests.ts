import { AUTHED, BY_ID, type Json, jsonSchema, LOCKED, type Operation, ref, WITH_BODY } from '../operation.ts';
import { MAX_WAIT_SECONDS, ZIdempotencyKey } from '../schemas.ts';

/** The `{id}` of the requests routes. */
const ID_PARAMETER: Json = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The request id returned by POST /api/v1/requests.',
  schema: { type: 'string', format: 'uuid' },
};

/** The requests and grants routes (`/api/v1/requests…`), for any API key. */
export const REQUEST_OPERATIONS = {
  createRequest: {
    method: 'post',
    path: '/api/v1/requests',
    operationId: 'createRequest',
    tags: ['requests'],
    summary: 'Ask for approval',
    description:
      'Creates a pending request, routes it to its approvers and posts the approval card in Slack. A routing rule may decide at once (approved or denied). Follow it with GET /api/v1/requests/{id}?wait=…, or a callback.',
    scope: 'key',
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
  getRequest: {
    method: 'get',
    path: '/api/v1/requests/{id}',
    operationId: 'getRequest',
    tags: ['requests'],
    summary: 'Read a request, optionally waiting for a decision',
    description:
      'Returns the request with its audit trail. With `wait`, a pending request is held open until it is decided or `wait` seconds pass, whichever comes first.',
    scope: 'key',
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
  cancelRequest: {
    method: 'post',
    path: '/api/v1/requests/{id}/cancel',
    operationId: 'cancelRequest',
    tags: ['requests'],
    summary: 'Withdraw a pending request',
    description: 'Only a pending request can be cancelled; the card in Slack is updated. No body is the same as `{}`.',
    scope: 'key',
    parameters: [ID_PARAMETER],
    body: { schema: ref('ReasonBody'), required: false },
    ok: { status: 200, description: 'The cancelled request.', schema: ref('Request') },
    errors: [...AUTHED, ...BY_ID, ...WITH_BODY, ...LOCKED, 'conflict'],
  },
  executeRequest: {
    method: 'post',
    path: '/api/v1/requests/{id}/execute',
    operationId: 'executeRequest',
    tags: ['grants'],
    summary: 'Spend the grant (once)',
    description:
      'Records that the approved action is being carried out now. Each grant can be spent once: a second attempt is 409 already_executed.',
    scope: 'key',
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
  revokeGrant: {
    method: 'post',
    path: '/api/v1/requests/{id}/revoke',
    operationId: 'revokeGrant',
    tags: ['grants'],
    summary: 'Revoke an unspent grant',
    description: 'Ends an approved request’s grant before it is used. No body is the same as `{}`.',
    scope: 'key',
    parameters: [ID_PARAMETER],
    body: { schema: ref('ReasonBody'), required: false },
    ok: { status: 200, description: 'The revoked request.', schema: ref('Request') },
    errors: [...AUTHED, ...BY_ID, ...WITH_BODY, ...LOCKED, 'conflict', 'already_executed', 'revoked', 'lapsed'],
  },
  requestExtension: {
    method: 'post',
    path: '/api/v1/requests/{id}/extend',
    operationId: 'requestExtension',
    tags: ['grants'],
    summary: 'Ask to extend an unspent grant',
    description:
      'Asks the request’s routed approvers for `seconds` more on an approved, not yet executed grant (`extension.requested` audited). The request stays approved and its grant unchanged until one approver decides in Slack (the card’s thread): approval issues a NEW grant token (same request binding, `exp` = the old expiry + `seconds`, at most 30 days after the approval) that `GET /requests/{id}` then returns in `grant`; the old token keeps its `exp` but can no longer be executed. The answer lists the extension in `extensions` (status `pending`). One extension waits at a time (409 `conflict`); 409 `already_executed`, `revoked` or `lapsed` when the grant ended; a waiting extension is closed as `moot` if the grant ends first.',
    scope: 'key',
    parameters: [ID_PARAMETER],
    body: { schema: ref('ExtendBody'), required: true },
    ok: { status: 200, description: 'The request, with the extension waiting.', schema: ref('Request') },
    errors: [...AUTHED, ...BY_ID, ...WITH_BODY, ...LOCKED, 'conflict', 'already_executed', 'revoked', 'lapsed'],
  },
  reportResult: {
    method: 'post',
    path: '/api/v1/requests/{id}/result',
    operationId: 'reportResult',
    tags: ['grants'],
    summary: 'Report how the executed action ended',
    description:
      'Adds `execution.reported` to the audit trail; the status stays executed. Allowed only once the request is executed; every report is recorded.',
    scope: 'key',
    parameters: [ID_PARAMETER],
    body: { schema: ref('ResultBody'), required: true },
    ok: { status: 200, description: 'The request.', schema: ref('Request') },
    errors: [...AUTHED, ...BY_ID, ...WITH_BODY, ...LOCKED, 'conflict'],
  },
} satisfies Record<string, Operation>;
