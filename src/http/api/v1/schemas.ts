import { z } from 'zod';
import { REQUEST_STATUSES, type RequestStatus } from '../../../domain/request-status.ts';
import { ERROR_STATUS, type ErrorCode } from '../../../errors.ts';
import { GITHUB_LOGIN } from '../../../services/identities/identities.ts';
import { ZInstant, ZRequestJson } from '../../../services/requests/wire/request-schema.ts';
import { ZRuleDocument } from '../../../services/routing/rule-document.ts';

/**
 * The API's zod schemas in one place: the request bodies the routes validate with, and the shapes
 * the routes answer with. The OpenAPI document (openapi.ts) is generated from these, and the typed
 * client takes its types from here, so the validators, the responses and the document cannot differ.
 */
export {
  createRequestSchema,
  ZCancelBody,
  ZExecuteBody,
  ZResultBody,
  ZRevokeBody,
} from '../../../services/requests/input.ts';
export { ZExtendBody } from '../../../services/requests/request-extension.ts';
export {
  type RequestJson,
  ZActor,
  ZInstant,
  ZRequestJson,
  ZRequestStatus,
} from '../../../services/requests/wire/request-schema.ts';

/** The longest `?wait=` a `GET /requests/{id}` may long-poll for, in seconds. */
export const MAX_WAIT_SECONDS = 60;

/** The `Idempotency-Key` header of `POST /requests`: 1–255 visible ASCII characters. */
export const ZIdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/)
  .meta({
    description:
      'Makes a retried create safe: the same key with the same body answers the original request (201, Idempotent-Replayed: true); with a different body, 409 conflict. Scoped to the API key.',
    examples: ['deploy-4711-attempt'],
  });

/** Every error code, as a tuple z.enum takes. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The error body every route answers with: `{ error: { code, message, fields? } }`. */
export const ZErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: 'Stable; branch on this, not on the message.' }),
      message: z.string().meta({ description: 'Human-readable; may change.' }),
      fields: z
        .array(z.object({ path: z.string().meta({ examples: ['requester.email'] }), message: z.string() }))
        .optional()
        .meta({ description: 'One entry per invalid field (validation_failed, some unprocessable).' }),
    }),
  })
  .meta({ description: 'An error.' });

/** The TypeScript type of an error body. */
export type ErrorBody = z.output<typeof ZErrorBody>;

/** `GET /.well-known/jwks.json`: the Ed25519 public keys grants are signed with. */
export const ZJwks = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal('OKP'),
        crv: z.literal('Ed25519'),
        x: z.string(),
        kid: z.string().meta({ description: "RFC 7638 thumbprint; matches the grant header's kid." }),
        alg: z.literal('EdDSA'),
        use: z.literal('sig'),
      }),
    ),
  })
  .meta({ description: 'A JSON Web Key Set (RFC 7517).' });

/** The TypeScript type of the key set. */
export type Jwks = z.output<typeof ZJwks>;

/** What a callback announces: `request.` and the status the request changed to. */
export type CallbackType = `request.${Exclude<RequestStatus, 'pending'>}`;

/** Every callback type, as a tuple z.enum takes: every status a request can change to. */
const CALLBACK_TYPES = REQUEST_STATUSES.filter((status) => status !== 'pending').map(
  (status) => `request.${status}` as CallbackType,
) as [CallbackType, ...CallbackType[]];

/**
 * The body of a callback POSTed to a request's `callbackUrl` (Standard Webhooks: `type`,
 * `timestamp`, `data`), signed with the headers webhook-id, webhook-timestamp and webhook-signature.
 */
export const ZCallbackEvent = z
  .object({
    type: z.enum(CALLBACK_TYPES).meta({ description: 'request.<the new status>', examples: ['request.approved'] }),
    timestamp: ZInstant.meta({
      description: 'When the change happened (the decision, the execution, the grant’s end); the same on every retry.',
    }),
    data: ZRequestJson.meta({
      description: 'The request as it is at delivery (so `grant` is set only while it is still approved).',
    }),
  })
  .meta({ description: 'A request changed status.' });

/** The TypeScript type of a callback body. */
export type CallbackEvent = z.output<typeof ZCallbackEvent>;

/** `GET /healthz`. */
export const ZHealth = z.object({ status: z.literal('ok') }).meta({ description: 'The process is running.' });

/** `GET /readyz`: PostgreSQL and Redis, each up or down, and in Socket Mode the Slack socket. */
export const ZReadiness = z
  .object({
    status: z.enum(['ready', 'degraded', 'unavailable']).meta({
      description:
        '`degraded`: Redis is down on an instance that serves HTTP; it still answers 200, since the API works without Redis.',
    }),
    checks: z.object({
      postgres: z.enum(['up', 'down']),
      redis: z.enum(['up', 'down']),
      slackSocket: z
        .enum(['connected', 'not connected'])
        .optional()
        .meta({ description: 'Socket Mode only: whether the WebSocket to Slack is connected.' }),
    }),
    error: z.object({ code: z.literal('not_ready'), message: z.string() }).optional(),
    warning: z
      .object({ code: z.literal('degraded'), message: z.string() })
      .optional()
      .meta({ description: 'With `degraded`: what is down and what waits for it.' }),
  })
  .meta({
    description:
      'Whether this instance can serve: PostgreSQL answers, in Socket Mode the Slack socket is connected, and Redis answers — or, on an instance that serves HTTP, Redis is down and it serves degraded.',
  });

/** One event of the audit trail as `GET /api/v1/audit` exports it (one JSONL line, or one CSV record). */
export const ZAuditExportRow = z
  .object({
    id: z.string().regex(/^\d+$/).meta({ description: 'The event id (a decimal integer); ascending in the export.' }),
    requestId: z
      .uuid()
      .nullable()
      .meta({ description: 'The request whose chain it belongs to; null: the global chain.' }),
    type: z.string().meta({ examples: ['request.created', 'request.approved', 'audit.exported'] }),
    actorType: z.string().meta({ examples: ['user', 'service', 'rule', 'system', 'anonymous'] }),
    actorId: z.string().nullable(),
    details: z.unknown().meta({ description: 'Facts of the event (JSON; a JSON text in CSV).' }),
    prevHash: z
      .string()
      .nullable()
      .meta({ description: 'The hash of the event before it in its chain; null for the first.' }),
    hash: z.string().nullable().meta({
      description:
        'SHA-256 (hex) of the canonical JSON (keys sorted, no whitespace) of {prev: prevHash, requestId, type, actorType, actorId, details, createdAt}.',
    }),
    createdAt: ZInstant,
  })
  .meta({ description: 'An audit event with its hash-chain links.' });

/** How an audit chain breaks at an event (see src/services/audit/chain-check.ts). */
export const ZAuditChainBreak = z
  .object({
    requestId: z.uuid().nullable().meta({ description: 'The broken request chain; null: the global chain.' }),
    eventId: z.string().nullable().meta({ description: 'Where it breaks (a decimal id); null for missing_chain.' }),
    kind: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'missing_start', 'missing_chain']).meta({
      description:
        'hash_mismatch: the event was altered; prev_hash_mismatch: it does not link to the event before it (events missing between, or that one rewritten); missing_start: the chain’s first events are missing; missing_chain: the request has no events.',
    }),
    previousEventId: z.string().nullable(),
    expected: z.string().nullable().meta({ description: 'The hash the check expected.' }),
    found: z.string().nullable().meta({ description: 'The hash the row holds.' }),
    message: z.string(),
  })
  .meta({ description: 'The first break of one audit chain.' });

/** `GET /api/v1/audit/verify`: every chain walked. */
export const ZAuditVerifyReport = z
  .object({
    ok: z.boolean().meta({ description: 'True when every chain is intact.' }),
    chainsChecked: z.int().min(0),
    eventsChecked: z.int().min(0),
    breaksFound: z.int().min(0).meta({ description: 'Broken chains, each counted once.' }),
    breaks: z.array(ZAuditChainBreak).meta({ description: 'The first break of each broken chain, at most 100.' }),
  })
  .meta({ description: 'The audit trail’s hash chains, checked.' });

/** A routing rule as the rules routes answer it: its document (defaults omitted) with its id and place. */
export const ZRuleJson = z
  .object({
    id: z.uuid(),
    ...ZRuleDocument.shape,
    priority: z.int().min(1).meta({ description: 'Position in the list: 1 is tried first.' }),
    managedBy: z
      .string()
      .nullable()
      .meta({ description: '`file` when applied by PUT /rules (a rules file): App Home shows it managed as code.' }),
    updatedAt: ZInstant,
  })
  .meta({
    description:
      'A routing rule: its document in canonical form (name, enabled, match.actions, match.resources and outcome always; other fields only when not their default), with its id, position and who manages it.',
  });

/** The TypeScript type of a rule as the API answers it. */
export type RuleJson = z.input<typeof ZRuleJson>;

const ZSlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id (U…/W…)');

/** Who is who on GitHub: login → Slack user id (e.g. `octocat: U0123ABCD`). */
const ZGithubLinks = z
  .record(
    z.string().regex(GITHUB_LOGIN, 'is not a GitHub login').meta({ description: 'A GitHub login (any case).' }),
    ZSlackUserId,
  )
  .meta({ description: 'GitHub login → Slack user id.', examples: [{ octocat: 'U0123ABCD' }] });

/** Who is who on other platforms: provider → login → Slack user id (e.g. `github: { octocat: U0123ABCD }`). */
export const ZIdentities = z.strictObject({ github: ZGithubLinks.optional() }).meta({
  description:
    'Identity links, provider → login → Slack user id: the GitHub user who deploys is the requester (and may not approve). On PUT the section is the whole set: a provider left out, or a login left out, is unlinked. Logins are stored (and listed) lower-cased.',
});

/** `GET /api/v1/rules`. */
export const ZRuleList = z
  .object({
    rules: z.array(ZRuleJson),
    identities: ZIdentities.required().meta({ description: 'Every identity link (providers without links: empty).' }),
  })
  .meta({ description: 'Every rule, in priority order, and every identity link: a rules file’s content.' });

/** The limit on how many rules one PUT may hold. */
export const MAX_RULES = 500;

/** `PUT /api/v1/rules` as the route reads it: each rule is then checked on its own, so every problem is reported. */
export const ZRulesEnvelope = z.strictObject({
  rules: z.array(z.unknown()).max(MAX_RULES, `must hold at most ${MAX_RULES} rules`),
  // Checked with the rules (checkIdentitySection), so that every problem of the file is listed at once.
  identities: z.unknown().optional(),
});

/** `PUT /api/v1/rules` as documented: the whole list of rules, in priority order. */
export const ZRulesBody = z
  .strictObject({
    rules: z.array(ZRuleDocument).max(MAX_RULES),
    identities: ZIdentities.optional().meta({
      description:
        'Identity links to apply with the rules, in the same transaction. Without this key the links are left as they are.',
    }),
  })
  .meta({
    description: 'Every routing rule, first tried first (or ordered by `priority`); the same shape as a rules file.',
  });

/** What applying a file's links of one provider does (or would do); logins lower-cased. */
const ZIdentityDiff = z.object({
  added: z.array(z.object({ login: z.string(), slackUserId: z.string() })),
  changed: z.array(z.object({ login: z.string(), before: z.string(), after: z.string() })),
  removed: z.array(z.object({ login: z.string(), slackUserId: z.string() })),
  unchanged: z.int().min(0),
});

const ZDiffEntry = z.object({ id: z.uuid(), name: z.string(), priority: z.int().min(1) });

/** What `PUT /api/v1/rules` does (or, with `dryRun`, would do): rules matched by name. */
export const ZRulesDiff = z
  .object({
    added: z.array(z.object({ name: z.string(), priority: z.int().min(1) })),
    changed: z.array(
      ZDiffEntry.extend({
        changes: z.array(
          z.object({
            field: z.string().meta({ examples: ['match.actions', 'reminder.afterSeconds', 'priority', 'managedBy'] }),
            before: z.unknown(),
            after: z.unknown(),
          }),
        ),
      }),
    ),
    removed: z.array(ZDiffEntry),
    unchanged: z.array(ZDiffEntry),
    identities: z
      .object({ github: ZIdentityDiff.optional() })
      .optional()
      .meta({ description: 'Only when the body has `identities`: each provider’s links added, changed and removed.' }),
  })
  .meta({
    description:
      'Added, changed (field by field), removed and unchanged rules; `priority` is the position. With `identities` in the body, the identity links’ changes too.',
  });

/** The answer of `PUT /api/v1/rules`. */
export const ZRulesApplied = z
  .object({
    dryRun: z.boolean(),
    applied: z.boolean().meta({ description: 'False for a dry run: nothing was changed.' }),
    diff: ZRulesDiff,
    rules: z.array(ZRuleJson).optional().meta({ description: 'Every rule after applying (not on a dry run).' }),
    identities: ZIdentities.optional().meta({
      description: 'Every identity link after applying (not on a dry run), as GET /api/v1/rules lists them.',
    }),
  })
  .meta({ description: 'What replacing the rules did or would do.' });
