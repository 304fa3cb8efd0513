import type { z } from 'zod';
import type { ClientActor } from '../../domain/actor.ts';
import { mcpContextEntries } from '../../domain/mcp-hints.ts';
import { AppError } from '../../errors.ts';
import { acceptCallbackUrl } from '../callbacks/accept.ts';
import type { CoreDeps } from '../ports.ts';
import { lookupSlackUser } from '../slack-users.ts';
import { createRequest, type NewRequest } from './create.ts';
import type { IdempotencyKey, Replay } from './idempotency.ts';
import type { createRequestSchema } from './input.ts';

/** A create body as `createRequestSchema` (and `checkInput`) let it through. */
export type TCreateRequestBody = z.infer<ReturnType<typeof createRequestSchema>>;

/**
 * Resolves who the request is for: a Slack user id checked with users.info, or an e-mail looked up in
 * Slack. An unknown or deactivated person is a 422 naming the field, Slack being unreachable a 503 to retry.
 */
async function resolveRequester(
  deps: CoreDeps,
  requester: { slackUserId?: string | undefined; email?: string | undefined },
): Promise<{ slackUserId: string; email: string | null }> {
  try {
    if (requester.slackUserId !== undefined) {
      const user = await lookupSlackUser(deps, { id: requester.slackUserId });
      if (user.deleted)
        throw new AppError('unprocessable', `requester ${requester.slackUserId} is deactivated in Slack`);
      return { slackUserId: requester.slackUserId, email: user.email };
    }
    const email = requester.email as string;
    const user = await lookupSlackUser(deps, { email });
    if (user.deleted) throw new AppError('unprocessable', `requester ${email} is deactivated in Slack`);
    return { slackUserId: user.id, email };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'user_not_found' || code === 'users_not_found') {
      const who = requester.slackUserId ?? requester.email;
      throw new AppError('unprocessable', `requester ${who} was not found in this Slack workspace`, [
        {
          path: requester.slackUserId ? 'requester.slackUserId' : 'requester.email',
          message: 'is not a member of this Slack workspace',
        },
      ]);
    }
    throw new AppError(
      'slack_unavailable',
      'could not reach Slack to resolve the requester; retry with the same Idempotency-Key',
    );
  }
}

/**
 * An API client asks for approval with a checked create body: `POST /api/v1/requests` and the MCP
 * tool `request_approval` both come here. The callback URL is refused first (before anything is looked
 * up), then the requester is resolved in Slack, then the request is created on the client's behalf.
 */
export async function createForClient(
  deps: CoreDeps,
  body: TCreateRequestBody,
  origin: { actor: ClientActor; idempotency?: Omit<IdempotencyKey, 'clientId'> },
  extra: Pick<NewRequest, 'mcpClient'> = {},
): Promise<Replay> {
  if (body.callbackUrl !== undefined) await acceptCallbackUrl(deps, origin.actor.clientId, body.callbackUrl);
  const requester = await resolveRequester(deps, body.requester);
  return createRequest(
    deps,
    {
      action: body.action,
      resource: body.resource,
      reason: body.reason,
      requesterSlackId: requester.slackUserId,
      requesterEmail: requester.email,
      environment: body.environment ?? null,
      risk: body.risk,
      // The mcp.* entries are written from the `mcp` field (the schema refused differing ones).
      context: body.mcp === undefined ? body.context : { ...body.context, ...mcpContextEntries(body.mcp) },
      ...(body.mcp === undefined
        ? {}
        : {
            mcp: {
              annotations: body.mcp.annotations,
              ...(body.mcp.arguments === undefined ? {} : { arguments: body.mcp.arguments }),
            },
          }),
      ...(body.ttlSeconds === undefined ? {} : { ttlSeconds: body.ttlSeconds }),
      callbackUrl: body.callbackUrl ?? null,
      breakGlass: body.breakGlass === true ? { reason: body.breakGlassReason as string } : null,
      executeOnApproval: body.executeOnApproval === true,
      ...extra,
    },
    origin,
  );
}
