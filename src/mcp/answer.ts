import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { parseActorKey } from '../domain/actor.ts';
import { REQUEST_STATUSES } from '../domain/request-status.ts';
import { AppError } from '../errors.ts';
import type { CoreDeps } from '../services/ports.ts';
import type { RequestRow } from '../services/requests/store.ts';
import { cardLink, slackName } from '../services/slack-links.ts';

/**
 * What every Greenlight MCP tool answers, as `structuredContent` (declared as each tool's
 * `outputSchema`): where the request stands, who decided and why, and — only while it can be
 * spent — the grant.
 */
export const ZApprovalAnswer = z.object({
  requestId: z.uuid(),
  status: z.enum(REQUEST_STATUSES).meta({
    description:
      'pending → approved | denied | expired | cancelled; approved → executed | revoked | lapsed. Only approved may be acted on.',
  }),
  action: z.string(),
  resource: z.string(),
  environment: z.string().nullable(),
  cardUrl: z
    .string()
    .nullable()
    .meta({ description: 'The approval card in Slack (null until it is posted, or when Slack gives no link).' }),
  expiresAt: z.iso.datetime().meta({ description: 'The deadline for a decision.' }),
  decision: z
    .object({
      by: z.object({
        type: z.enum(['user', 'service', 'rule', 'system', 'anonymous']),
        id: z.string().nullable().meta({ description: 'Slack user id, API client name or rule name.' }),
        name: z.string().meta({ description: 'Who, as a person reads it: a Slack display name, or the rule.' }),
      }),
      reason: z.string().nullable().meta({ description: 'Why (always given on a deny that asks for one).' }),
      at: z.iso.datetime(),
    })
    .nullable()
    .meta({ description: 'Null while pending.' }),
  grant: z
    .object({
      token: z.string().meta({
        description:
          'An EdDSA-signed JWT bound to this request, action, resource, environment and context (params_hash); verify it against /.well-known/jwks.json, spend it with execute_grant.',
      }),
      expiresAt: z.iso.datetime(),
    })
    .nullable()
    .meta({ description: 'Present only while the request is approved and its grant unspent.' }),
  executedAt: z.iso.datetime().nullable(),
});
export type TApprovalAnswer = z.infer<typeof ZApprovalAnswer>;

/** Who decided, by name: a Slack user's display name, or the rule. */
async function decider(
  deps: Pick<CoreDeps, 'slack'>,
  decidedBy: string,
): Promise<NonNullable<TApprovalAnswer['decision']>['by']> {
  const actor = parseActorKey(decidedBy);
  const id = 'id' in actor ? (actor.id ?? null) : null;
  if (actor.type === 'user') return { type: 'user', id, name: await slackName(deps, actor.id) };
  if (actor.type === 'rule') return { type: 'rule', id, name: `rule “${actor.id}”` };
  if (actor.type === 'service') return { type: 'service', id, name: `service ${actor.id}` };
  return { type: actor.type, id, name: 'Greenlight' };
}

/** A request as the tools answer it (one Slack call for the card link once posted, one for a person's name). */
export async function approvalAnswer(deps: Pick<CoreDeps, 'slack'>, request: RequestRow): Promise<TApprovalAnswer> {
  const [cardUrl, by] = await Promise.all([
    cardLink(deps, request),
    request.decidedBy === null ? null : decider(deps, request.decidedBy),
  ]);
  return {
    requestId: request.id,
    status: request.status,
    action: request.action,
    resource: request.resource,
    environment: request.environment,
    cardUrl,
    expiresAt: request.expiresAt.toISOString(),
    decision:
      request.decidedAt === null || by === null
        ? null
        : { by, reason: request.decisionReason, at: request.decidedAt.toISOString() },
    grant:
      request.status === 'approved' && request.grantToken !== null && request.grantExpiresAt !== null
        ? { token: request.grantToken, expiresAt: request.grantExpiresAt.toISOString() }
        : null,
    executedAt: request.executedAt?.toISOString() ?? null,
  };
}

/**
 * The sentence a model reads: what happened and what to do next. A deny carries who and why, so the
 * agent can change course ("Denied by Ana: use the staging database first").
 */
export function describeAnswer(answer: TApprovalAnswer): string {
  const what = `${answer.action} on ${answer.resource}${answer.environment === null ? '' : ` (${answer.environment})`}`;
  const by = answer.decision?.by.name ?? 'Greenlight';
  const why = answer.decision?.reason ? `: ${answer.decision.reason}` : '';
  const card = answer.cardUrl === null ? '' : ` Card: ${answer.cardUrl}`;
  switch (answer.status) {
    case 'pending':
      return `Pending: ${what} waits for approval in Slack (request ${answer.requestId}, decision due by ${answer.expiresAt}). Do not act yet; call wait_for_approval with this request_id to keep waiting.${card}`;
    case 'approved':
      return `Approved by ${by}${why}. You may now perform ${what}, once: call execute_grant with this request_id and the grant token before you do; the grant expires at ${answer.grant?.expiresAt ?? 'once spent'}.${card}`;
    case 'denied':
      return `Denied by ${by}${why}. Do not perform ${what}.${card}`;
    case 'expired':
      return `Expired: nobody decided on ${what} by ${answer.expiresAt}. Do not perform it; ask again if it is still needed.${card}`;
    case 'cancelled':
      return `Cancelled${why}. Do not perform ${what}.${card}`;
    case 'executed':
      return `Executed: the grant for ${what} was spent at ${answer.executedAt ?? 'an earlier time'}; it cannot be used again.${card}`;
    case 'revoked':
      return `Revoked: the approval of ${what} was withdrawn. Do not perform it.${card}`;
    case 'lapsed':
      return `Lapsed: the grant for ${what} was not used in time. Do not perform it; ask again if it is still needed.${card}`;
  }
}

/** A tool's answer: the sentence, the same facts as JSON text (for clients that show no structured content), and `structuredContent`. */
export function toolAnswer(answer: TApprovalAnswer): CallToolResult {
  return {
    content: [
      { type: 'text', text: describeAnswer(answer) },
      { type: 'text', text: JSON.stringify(answer) },
    ],
    structuredContent: answer,
  };
}

/**
 * A refused call as the model sees it (`isError: true`): the AppError's message, with the fields at
 * fault; anything unexpected is logged in full and answered in general terms.
 */
export function toolRefusal(deps: Pick<CoreDeps, 'logger'>, error: unknown): CallToolResult {
  let text: string;
  if (error instanceof AppError) {
    const fields = (error.fields ?? []).map((f) => `${f.path}: ${f.message}`).join('; ');
    text = `${error.message}${fields === '' ? '' : ` (${fields})`} [${error.code}]`;
  } else {
    deps.logger.error({ err: error }, 'MCP tool failed');
    text = 'Greenlight could not complete this call (internal error); try again later.';
  }
  return { content: [{ type: 'text', text }], isError: true };
}
