import type { Prisma } from '../generated/prisma/client.ts';

/** The columns every use case reads about a request, with its votes. */
export const REQUEST_SELECT = {
  id: true,
  status: true,
  version: true,
  source: true,
  action: true,
  resource: true,
  environment: true,
  risk: true,
  reason: true,
  context: true,
  paramsHash: true,
  requesterSlackId: true,
  requesterEmail: true,
  apiClientId: true,
  idempotencyKey: true,
  idempotencyHash: true,
  callbackUrl: true,
  ruleId: true,
  ruleName: true,
  channelId: true,
  approverIds: true,
  requiredApprovals: true,
  requireReason: true,
  grantSeconds: true,
  messageTs: true,
  cardVersion: true,
  threadRepliedAt: true,
  outcomeDmAt: true,
  slackError: true,
  expiresAt: true,
  decidedAt: true,
  decidedBy: true,
  decisionReason: true,
  grantExpiresAt: true,
  executedAt: true,
  createdAt: true,
  updatedAt: true,
  votes: { select: { voterId: true, decision: true, reason: true, createdAt: true }, orderBy: { createdAt: 'asc' } },
} satisfies Prisma.ApprovalRequestSelect;

export type RequestRow = Prisma.ApprovalRequestGetPayload<{ select: typeof REQUEST_SELECT }>;

export interface AuditRow {
  id: bigint;
  type: string;
  actorType: string;
  actorId: string | null;
  details: unknown;
  createdAt: Date;
}

/** The public JSON shape of a request (the API contract). */
export function toApi(request: RequestRow, audit?: AuditRow[]) {
  return {
    id: request.id,
    status: request.status,
    action: request.action,
    resource: request.resource,
    environment: request.environment,
    risk: request.risk,
    reason: request.reason,
    context: request.context,
    paramsHash: request.paramsHash,
    requester: { slackUserId: request.requesterSlackId, email: request.requesterEmail },
    source: request.source,
    route: {
      rule: request.ruleId === null ? null : { id: request.ruleId, name: request.ruleName },
      channel: request.channelId,
      approvers: request.approverIds,
      requiredApprovals: request.requiredApprovals,
    },
    expiresAt: request.expiresAt.toISOString(),
    createdAt: request.createdAt.toISOString(),
    decision:
      request.decidedAt === null
        ? null
        : {
            status: request.status,
            by: request.decidedBy,
            at: request.decidedAt.toISOString(),
            reason: request.decisionReason,
            grantExpiresAt: request.grantExpiresAt?.toISOString() ?? null,
          },
    votes: request.votes.map((vote) => ({
      voter: vote.voterId,
      decision: vote.decision,
      reason: vote.reason,
      at: vote.createdAt.toISOString(),
    })),
    slack: { channel: request.channelId, messageTs: request.messageTs, error: request.slackError },
    callbackUrl: request.callbackUrl,
    ...(audit === undefined
      ? {}
      : {
          audit: audit.map((event) => ({
            id: event.id.toString(),
            type: event.type,
            actor: { type: event.actorType, id: event.actorId },
            details: event.details,
            at: event.createdAt.toISOString(),
          })),
        }),
  };
}
