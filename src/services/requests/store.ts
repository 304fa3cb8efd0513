import type { Prisma } from '../../generated/prisma/client.ts';
import type { Tx } from '../types.ts';

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

/** A request as use cases, jobs and renderers see it. */
export type RequestRow = Prisma.ApprovalRequestGetPayload<{ select: typeof REQUEST_SELECT }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a request id at all; anything else is "not found" without a query. */
export function isRequestId(id: string): boolean {
  return UUID.test(id);
}

/** One request with its votes, or null. Ids that are not UUIDs are simply not found. */
export async function getRequest(tx: Tx, id: string): Promise<RequestRow | null> {
  if (!isRequestId(id)) return null;
  return tx.approvalRequest.findUnique({ where: { id }, select: REQUEST_SELECT });
}

/** Several requests by id, in no particular order. */
export async function getRequests(tx: Tx, ids: string[]): Promise<RequestRow[]> {
  if (ids.length === 0) return [];
  return tx.approvalRequest.findMany({ where: { id: { in: ids } }, select: REQUEST_SELECT });
}

/**
 * Locks one request row for the rest of the transaction, so every change to it (and to its audit
 * chain) queues behind the others, and returns it as locked.
 */
export async function lockRequest(tx: Prisma.TransactionClient, id: string): Promise<RequestRow | null> {
  if (!isRequestId(id)) return null;
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM approval_requests WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  return getRequest(tx, id);
}

/** The request's audit trail, oldest first. */
export async function getAuditTrail(tx: Tx, requestId: string) {
  return tx.auditEvent.findMany({
    where: { requestId },
    orderBy: { id: 'asc' },
    select: { id: true, type: true, actorType: true, actorId: true, details: true, createdAt: true },
  });
}

export type AuditRow = Awaited<ReturnType<typeof getAuditTrail>>[number];
