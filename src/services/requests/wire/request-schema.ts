import { z } from 'zod';
import { REQUEST_STATUSES, RISKS } from '../../../domain/request-status.ts';
import { ZContext } from '../input.ts';

/*
 * A request on the wire: the object the HTTP API answers with and every callback carries as `data`.
 * It lives below both (HTTP re-exports it into its schemas and the OpenAPI document; callbacks send it).
 */

/** An instant as the API writes it: ISO 8601 in UTC (`Date.toISOString()`). */
export const ZInstant = z.iso.datetime().meta({ examples: ['2025-01-31T14:05:09.123Z'] });

/** A request's status; see the state machine in the README. */
export const ZRequestStatus = z.enum(REQUEST_STATUSES).meta({
  description:
    'pending → approved | denied | expired | cancelled; approved → executed | revoked | lapsed. Every status but pending and approved is final.',
});

/**
 * Who did something, as `decision.actor` and `grantEnd.actor` show it: a Slack user, an API client,
 * a routing rule, or Greenlight itself (expiry, lapse).
 */
export const ZActor = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('user'),
      id: z.string().meta({ description: 'Slack user id', examples: ['U0123ABCD'] }),
    }),
    z.object({
      type: z.literal('service'),
      id: z.string().meta({ description: 'API client name', examples: ['ci'] }),
      onBehalfOf: z.string().optional().meta({
        description: 'The Slack user id of the requester the service named, for whom it acted (never their own act).',
      }),
    }),
    z.object({ type: z.literal('rule'), id: z.string().meta({ description: 'routing rule name' }) }),
    z.object({ type: z.literal('system') }),
    z.object({ type: z.literal('anonymous') }),
  ])
  .meta({ description: 'Who: a Slack user, an API client, a routing rule, or Greenlight itself.' });

/** One approver's vote on a request. */
const ZVote = z.object({
  voter: z.string().meta({ description: "The approver's Slack user id" }),
  decision: z.enum(['approve', 'deny']),
  reason: z.string().nullable(),
  stage: z
    .int()
    .min(0)
    .nullable()
    .meta({ description: 'Multi-stage chains: the stage (0-based) this vote counted for.' }),
  at: ZInstant,
});

/** One stage of a multi-stage chain. */
const ZStageJson = z.object({
  name: z.string(),
  requiredApprovals: z.int().min(1),
  approvers: z.array(z.string()).meta({ description: "The stage's approvers (Slack user ids, groups expanded)." }),
  approvedBy: z.array(z.string()).meta({ description: 'Who approved in this stage, in order.' }),
  status: z.enum(['done', 'current', 'waiting']),
});

/** The after-the-fact review of a break-glass approval. */
const ZBreakGlassReview = z.object({
  verdict: z.enum(['acceptable', 'not_acceptable']),
  note: z.string().nullable(),
  by: z.string().meta({ description: "The reviewing approver's Slack user id." }),
  at: ZInstant,
});

/** A needs-info question an approver asked the requester (see `needsInfo`). */
const ZQuestion = z.object({
  id: z.uuid(),
  askedBy: z.string().meta({ description: "The approver's Slack user id" }),
  question: z.string(),
  askedAt: ZInstant,
  answer: z.string().nullable(),
  answeredAt: ZInstant.nullable().meta({ description: 'Null while unanswered.' }),
  extendedBySeconds: z
    .int()
    .min(0)
    .meta({ description: "How far the question moved the deadline (the rule's needsInfo.extendSeconds; 0: none)." }),
});

/** A request to extend an approved grant (`POST /requests/{id}/extend`, or Request extension in Slack). */
const ZExtension = z.object({
  id: z.uuid(),
  seconds: z.int().min(1),
  reason: z.string(),
  requestedBy: z.string().meta({ description: 'Compact actor: a Slack user id, or service:<name>.' }),
  requestedAt: ZInstant,
  status: z.enum(['pending', 'approved', 'denied', 'moot']).meta({
    description:
      'pending until one routed approver decides; moot when the grant ended (executed, revoked, lapsed) first.',
  }),
  decidedBy: z.string().nullable(),
  decidedAt: ZInstant.nullable(),
  grantExpiresAt: ZInstant.nullable().meta({ description: 'When approved: the new grant’s expiry.' }),
});

/** One entry of a request's tamper-evident audit trail. */
const ZAuditEntry = z.object({
  id: z.string().regex(/^\d+$/).meta({ description: 'Position in the global audit chain (a decimal integer).' }),
  type: z.string().meta({ examples: ['request.created', 'vote.recorded', 'request.approved', 'execution.reported'] }),
  actor: z.object({
    type: z.string().meta({ examples: ['user', 'service', 'rule', 'system'] }),
    id: z.string().nullable(),
  }),
  details: z.record(z.string(), z.unknown()).meta({ description: 'Facts of the event; keys depend on `type`.' }),
  at: ZInstant,
});

/**
 * A request as the API returns it (`toRequestJson`); `audit` is present on `GET /requests/{id}` only.
 * The callback's `data` is the same object.
 */
export const ZRequestJson = z
  .object({
    id: z.uuid(),
    status: ZRequestStatus,
    action: z.string().meta({ examples: ['db.drop_table'] }),
    resource: z.string().meta({ examples: ['prod/customers'] }),
    environment: z.string().nullable(),
    risk: z.enum(RISKS),
    reason: z.string(),
    context: ZContext,
    paramsHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({
        description:
          'SHA-256 (hex) of the canonical action, resource, environment and context: what the approval and the grant are bound to.',
      }),
    requester: z.object({
      slackUserId: z.string(),
      email: z.string().nullable(),
    }),
    source: z.enum(['slack', 'api', 'github', 'terraform']).meta({ description: 'Where the request was made.' }),
    route: z
      .object({
        rule: z.object({ id: z.uuid(), name: z.string().nullable() }).nullable(),
        channel: z.string(),
        approvers: z.array(z.string()).meta({ description: 'Slack user ids, user groups expanded.' }),
        requiredApprovals: z.int().min(0),
      })
      .meta({ description: 'Where the request was sent: the matching rule (null for the default route).' }),
    expiresAt: ZInstant.meta({ description: 'When a pending request expires undecided.' }),
    createdAt: ZInstant,
    decision: z
      .object({
        status: ZRequestStatus,
        by: z
          .string()
          .nullable()
          .meta({ description: 'Compact actor: a Slack user id, service:<name>, rule:<name> or system.' }),
        actor: ZActor.nullable(),
        at: ZInstant,
        reason: z.string().nullable(),
        grantExpiresAt: ZInstant.nullable().meta({ description: 'When an approval grant stops being usable.' }),
      })
      .nullable()
      .meta({ description: 'Null while pending.' }),
    executedAt: ZInstant.nullable(),
    grantEnd: z
      .object({
        status: ZRequestStatus,
        at: ZInstant,
        by: z.string().nullable(),
        actor: ZActor.nullable(),
        reason: z.string().nullable(),
      })
      .nullable()
      .meta({ description: 'How an approved grant ended unused: revoked or lapsed.' }),
    grant: z
      .object({
        token: z.string().meta({
          description:
            'A JWT (EdDSA, typ greenlight-grant+jwt) verifiable offline against /.well-known/jwks.json; spend it with POST /api/v1/requests/{id}/execute.',
        }),
        expiresAt: ZInstant,
      })
      .nullable()
      .meta({
        description:
          'Present only while the request is approved and the grant can be spent, and in the create answer of a request executed at once (`executeOnApproval`): the spent grant, to verify before acting.',
      }),
    votes: z.array(ZVote),
    needsInfo: ZQuestion.nullable().meta({
      description:
        'Needs info: the oldest question an approver asked that the requester has not answered yet; null when none is open. The status stays pending; `expiresAt` already includes the extension each question gave.',
    }),
    questions: z.array(ZQuestion).meta({ description: 'Every needs-info question, oldest first.' }),
    extensions: z.array(ZExtension).meta({ description: 'Every grant extension asked for, oldest first.' }),
    stages: z
      .array(ZStageJson)
      .nullable()
      .meta({ description: 'Multi-stage chains: each stage in order, who approved it and which decides now.' }),
    breakGlass: z.boolean().meta({
      description: 'Approved by its requester through break-glass (the justification is `decision.reason`).',
    }),
    breakGlassReview: ZBreakGlassReview.nullable().meta({
      description: 'The review of a break-glass approval, once recorded.',
    }),
    slack: z.object({
      channel: z.string(),
      messageTs: z.string().nullable().meta({ description: "The approval card's message timestamp, once posted." }),
      error: z.string().nullable().meta({ description: 'The last permanent Slack error while posting the card.' }),
    }),
    callbackUrl: z.string().nullable(),
    audit: z.array(ZAuditEntry).optional().meta({ description: 'The audit trail; on GET /requests/{id} only.' }),
  })
  .meta({ description: 'An approval request.' });

/** The TypeScript type of a request object as the API returns it. */
export type RequestJson = z.output<typeof ZRequestJson>;
