import { z } from 'zod';
import type { TConfig } from '../../config/index.ts';
import { argumentsSha256, mcpContextEntries } from '../../domain/mcp-hints.ts';
import { canonicalJson } from '../../domain/params-hash.ts';
import { RISKS } from '../../domain/request-status.ts';
import { isStorableText, NOT_STORABLE, replaceUnstorable, unstorablePaths } from '../../domain/storable-text.ts';
import type { FieldError } from '../../errors.ts';

/** Adds the storable-text check to a string schema; every string that reaches the database goes through it. */
export function storable<T extends z.ZodType<string>>(schema: T): T {
  return schema.refine(isStorableText, { error: NOT_STORABLE, abort: true });
}

/**
 * Marks a string schema as a third party's free text (a commit message, a branch name): NUL and unpaired
 * surrogates are replaced by U+FFFD instead of refused, so one odd character in text nobody here wrote
 * cannot block the integration. Everything else is refused by {@link checkInput}.
 */
export function freeText<T extends z.ZodType<string>>(schema: T): T {
  return (schema as unknown as z.ZodString).overwrite(replaceUnstorable) as unknown as T;
}

/** The outcome of {@link checkInput}: the parsed value, or every problem as a field-level error. */
export type InputCheck<T> = { success: true; data: T } | { success: false; problems: FieldError[] };

/**
 * The one check every boundary (API bodies, webhook payloads, rules) parses input with: `schema`,
 * then the storable-text check over everything the schema let through — each field, array item,
 * record key and `unknown` value — so a field whose schema forgot `storable()` is still refused
 * with its path (400) instead of reaching PostgreSQL and failing there (22021/22P05, a 500).
 * Fields meant to be cleaned rather than refused are marked {@link freeText}.
 */
export function checkInput<T>(schema: z.ZodType<T>, value: unknown): InputCheck<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { success: false, problems: fieldErrors(parsed.error) };
  const unstorable = unstorablePaths(parsed.data);
  if (unstorable.length === 0) return { success: true, data: parsed.data };
  return {
    success: false,
    problems: unstorable.map((path) => ({ path: path === '' ? '(body)' : path, message: NOT_STORABLE })),
  };
}

/**
 * Keys that `JSON.parse` makes own properties but that plain objects treat specially: zod's
 * `z.record` silently drops `__proto__`, and copying one onto `{}` replaces the prototype.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Field rules shared by the API and the /request-action modal. */
export const ZAction = storable(z.string({ error: 'is required' }))
  .trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9_.:/*-]+$/, 'may hold only letters, digits and _ . : / * - (e.g. db.drop_table)')
  .meta({ description: 'What is to be done; routing rules match on it.', examples: ['db.drop_table'] });
export const ZResource = storable(z.string({ error: 'is required' }))
  .trim()
  .min(1, 'is required')
  .max(500, 'must be at most 500 characters')
  .meta({ description: 'What the action is done to.', examples: ['prod/customers'] });
export const ZReason = storable(z.string({ error: 'is required' }))
  .trim()
  .min(1, 'is required')
  .max(3000, 'must be at most 3000 characters')
  .meta({ description: 'Why, shown to the approvers.', examples: ['Table replaced by customers_v2; drop frees 2 TB'] });
export const ZEnvironment = storable(z.string())
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .meta({ description: 'Where the action runs; routing rules match on it.', examples: ['production'] });
export const ZRisk = z
  .enum(RISKS, { error: `must be one of ${RISKS.join(', ')}` })
  .meta({ description: 'How much harm the action can do; routing rules match on it.' });

/** A context value: a string (storable, ≤ 2000 characters), a number or a boolean. */
const ZContextValue = z
  .union([z.string(), z.number(), z.boolean()], { error: 'must be a string, number or boolean' })
  .refine((value) => typeof value !== 'string' || isStorableText(value), { error: NOT_STORABLE, abort: true })
  .refine((value) => typeof value !== 'string' || value.length <= 2000, 'must be at most 2000 characters')
  // The refinement above in JSON Schema terms (maxLength applies to the string case only), for the OpenAPI document.
  .meta({ maxLength: 2000 });

/**
 * `context`: a flat object of at most 50 fields. Reserved keys are refused by name before
 * `z.record` gets to drop them. Exported so the API's response schema describes it with the same rules.
 */
export const ZContext = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null) return;
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is a reserved name: use another key` });
      }
    }
  })
  .pipe(
    z
      .record(
        storable(z.string()).min(1, 'keys must not be empty').max(100, 'keys must be at most 100 characters'),
        ZContextValue,
        { error: 'must be a flat object of strings, numbers and booleans' },
      )
      .refine((context) => Object.keys(context).length <= 50, 'may hold at most 50 fields')
      // The refinement above in JSON Schema terms, for the OpenAPI document.
      .meta({ maxProperties: 50 }),
  )
  .meta({
    description: 'Flat facts shown on the approval card and bound into the grant (paramsHash).',
    examples: [{ ticket: 'OPS-1234', rows: 1200000, backup_verified: true }],
  });

/** The body of `POST /api/v1/requests/:id/cancel`; no body at all is the same as `{}`. */
export const ZCancelBody = z
  .object(
    {
      reason: storable(z.string({ error: 'must be a string' }))
        .trim()
        .max(3000, 'must be at most 3000 characters')
        .optional()
        .meta({ description: 'Why; recorded in the audit trail and shown in Slack.' }),
    },
    { error: 'must be a JSON object' },
  )
  .strict();

/** The body of `POST /api/v1/requests/:id/revoke`: the same optional reason as a cancel. */
export const ZRevokeBody = ZCancelBody;

/** The body of `POST /api/v1/requests/:id/execute`: the grant being spent. */
export const ZExecuteBody = z
  .object(
    {
      grant: z
        .string({ error: 'must be the grant token (a string)' })
        .min(1, 'must not be empty')
        .max(8192, 'is too long to be a grant')
        .meta({ description: 'The grant token from the approved request (`grant.token`).' }),
    },
    { error: 'must be a JSON object' },
  )
  .strict();

/** The body of `POST /api/v1/requests/:id/result`: how the gated command ended (the CLI reports it). */
export const ZResultBody = z
  .object(
    {
      exitCode: z
        .number({ error: 'must be a number' })
        .int('must be a whole number')
        .min(0)
        .max(255)
        .nullable()
        .meta({ description: "The command's exit status; null when a signal ended it.", examples: [0] }),
      signal: storable(z.string({ error: 'must be a string' }))
        .max(32, 'must be at most 32 characters')
        .nullish()
        .meta({ description: 'The signal that ended the command, if any.', examples: ['SIGTERM'] }),
      durationMs: z
        .number({ error: 'must be a number' })
        .int('must be a whole number')
        .min(0)
        .max(31 * 24 * 3600 * 1000)
        .meta({ description: 'How long the command ran, in milliseconds.', examples: [5230] }),
    },
    { error: 'must be a JSON object' },
  )
  .strict();

export function ttlSchema(config: Pick<TConfig, 'MIN_TTL_SECONDS' | 'MAX_TTL_SECONDS'>) {
  return z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(config.MIN_TTL_SECONDS, `must be at least ${config.MIN_TTL_SECONDS}`)
    .max(config.MAX_TTL_SECONDS, `must be at most ${config.MAX_TTL_SECONDS}`)
    .meta({ description: 'Seconds the approvers have to decide (a matching rule may allow less).' });
}

const ZHint = z.boolean({ error: 'must be true or false' }).optional();

/** A tool's behaviour hints as MCP declares them; rules match on them (`match.annotations`). */
export const ZMcpHints = z
  .object(
    {
      readOnlyHint: ZHint,
      destructiveHint: ZHint,
      idempotentHint: ZHint,
      openWorldHint: ZHint,
    },
    { error: 'must be an object of hints' },
  )
  .strict();

/** The most argument JSON a request carries for `resourceFrom` rules (canonical form, in characters). */
const MAX_ARGUMENTS_JSON = 65_536;

/**
 * The `mcp` field of a create body: the MCP tool call the request stands for. Routing matches rules
 * on its annotations and takes a rule's `resourceFrom` value from its arguments; the service writes
 * `mcp.server`, `mcp.tool`, `mcp.annotations` and `mcp.arguments_sha256` into the context, so the
 * grant binds them. The arguments themselves are only read for routing, never stored.
 */
export const ZMcpCall = z
  .object(
    {
      server: storable(z.string({ error: 'is required' }))
        .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -')
        .meta({ description: "The tool server's name (`greenlight mcp-proxy --name`).", examples: ['github'] }),
      tool: storable(z.string({ error: 'is required' }))
        .min(1, 'is required')
        .max(200, 'must be at most 200 characters')
        .meta({ description: 'The tool as the server lists it.', examples: ['delete_file'] }),
      annotations: ZMcpHints.default({}).meta({
        description: "The tool's declared hints; missing ones take the MCP specification's defaults when rules match.",
      }),
      argumentsSha256: z
        .string({ error: 'is required' })
        .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex')
        .meta({ description: "SHA-256 of the arguments' canonical JSON (keys sorted): the grant binds it." }),
      arguments: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).optional().meta({
        description:
          "The call's arguments, for rules that take the resource from them (`match.resourceFrom`). Checked against `argumentsSha256`; not stored.",
      }),
    },
    { error: 'must be an object: { server, tool, annotations, argumentsSha256 }' },
  )
  .strict()
  .superRefine((call, ctx) => {
    if (call.arguments === undefined) return;
    if (canonicalJson(call.arguments).length > MAX_ARGUMENTS_JSON) {
      ctx.addIssue({
        code: 'custom',
        path: ['arguments'],
        message: `must be at most ${MAX_ARGUMENTS_JSON} characters of JSON`,
      });
    } else if (argumentsSha256(call.arguments) !== call.argumentsSha256) {
      ctx.addIssue({ code: 'custom', path: ['argumentsSha256'], message: 'is not the SHA-256 of these arguments' });
    }
  })
  .meta({ description: 'The MCP tool call this request stands for (sent by `greenlight mcp-proxy`).' });

/** The fields of `POST /api/v1/requests`, before the checks that span fields. */
function createRequestFields(config: Pick<TConfig, 'MIN_TTL_SECONDS' | 'MAX_TTL_SECONDS'>) {
  return z.object({
    action: ZAction,
    resource: ZResource,
    reason: ZReason,
    requester: z
      .object(
        {
          slackUserId: storable(z.string())
            .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD')
            .optional(),
          email: storable(z.email('must be an e-mail address')).max(254).optional(),
        },
        { error: 'is required: { "slackUserId": "U…" } or { "email": "…" }' },
      )
      .strict()
      .refine((r) => (r.slackUserId === undefined) !== (r.email === undefined), {
        message: 'must give exactly one of slackUserId or email',
      })
      // The refinement above in JSON Schema terms, for the OpenAPI document.
      .meta({
        description: 'Who the action is for: their Slack user id, or an e-mail address looked up in Slack.',
        oneOf: [{ required: ['slackUserId'] }, { required: ['email'] }],
      }),
    environment: ZEnvironment.optional(),
    risk: ZRisk.default('medium'),
    context: ZContext.default({}),
    ttlSeconds: ttlSchema(config).optional(),
    callbackUrl: storable(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))
      .max(2048, 'must be at most 2048 characters')
      .optional()
      .meta({ description: 'Where to POST signed callbacks about this request (see the requestChanged webhook).' }),
    breakGlass: z.boolean({ error: 'must be true or false' }).optional().meta({
      description:
        'Break-glass: the requester approves their own request at once, in an emergency. Only where the matching rule allows it (else 400 on this field); needs `breakGlassReason`. Announced, flagged in the audit trail and reviewed afterwards.',
    }),
    breakGlassReason: ZReason.optional().meta({
      description:
        'Why this is an emergency; required with `breakGlass: true` (the `reason` says why the action is needed).',
    }),
    mcp: ZMcpCall.optional(),
    executeOnApproval: z.boolean({ error: 'must be true or false' }).optional().meta({
      description:
        'When the request is approved as it is created (an auto_approve rule, a standing approval), spend its grant at once: the answer is `executed`, with the spent `grant` to verify before acting, and no execute call is needed. A request that waits for people is unaffected.',
    }),
  });
}

type TCreateFields = z.infer<ReturnType<typeof createRequestFields>>;

/** The checks that span fields, for both forms of the body. */
function checkAcrossFields(body: Omit<TCreateFields, 'executeOnApproval'>, ctx: z.RefinementCtx): void {
  if (body.mcp !== undefined) {
    // The context's mcp.* entries are the service's to write from this field: a different value is refused.
    for (const [key, value] of Object.entries(mcpContextEntries(body.mcp))) {
      const given = body.context[key];
      if (given !== undefined && given !== value) {
        ctx.addIssue({
          code: 'custom',
          path: ['context', key],
          message: `must be ${JSON.stringify(value)} (from mcp) or left out`,
        });
      }
    }
  }
  if (body.breakGlass === true && body.breakGlassReason === undefined) {
    ctx.addIssue({ code: 'custom', path: ['breakGlassReason'], message: 'is required with breakGlass: true' });
  }
  if (body.breakGlass !== true && body.breakGlassReason !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['breakGlassReason'], message: 'is only given with breakGlass: true' });
  }
}

/** The body of `POST /api/v1/requests`. Unknown fields are refused, so typos do not pass silently. */
export function createRequestSchema(config: Pick<TConfig, 'MIN_TTL_SECONDS' | 'MAX_TTL_SECONDS'>) {
  return createRequestFields(config).strict().superRefine(checkAcrossFields);
}

/**
 * The same body for the MCP tool request_approval, without `executeOnApproval`: an agent spends its
 * grant with execute_grant, which answers the grant it spent; a request executed at creation would
 * answer `executed` with no grant to verify.
 */
export function agentRequestSchema(config: Pick<TConfig, 'MIN_TTL_SECONDS' | 'MAX_TTL_SECONDS'>) {
  return createRequestFields(config).omit({ executeOnApproval: true }).strict().superRefine(checkAcrossFields);
}

/** zod issues as `{ path, message }` pairs, one per invalid field. */
export function fieldErrors(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path: [path, ...issue.keys].filter(Boolean).join('.'), message: 'is not a known field' };
    }
    if (issue.code === 'invalid_key') {
      return { path, message: `key ${issue.issues[0]?.message ?? 'is invalid'}` };
    }
    return { path: path === '' ? '(body)' : path, message: issue.message };
  });
}
