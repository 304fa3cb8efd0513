/**
 * Reads of `approval_requests`: the row every use case, job and renderer sees (`RequestRow`), and
 * its audit trail. Part of the request store, the one home of every query of that table.
 */
import { isUuid } from '../../../domain/uuid.ts';
import type { Prisma } from '../../../generated/prisma/client.ts';
import type { Tx } from '../../types.ts';

/** A request's questions (needs info), as the card, the API and the notices read them. */
export const QUESTION_SELECT = {
  id: true,
  asker: true,
  question: true,
  answer: true,
  askedAt: true,
  answeredAt: true,
  extendedBySeconds: true,
  askedThreadAt: true,
  askedDmAt: true,
  answeredThreadAt: true,
  answeredDmAt: true,
} satisfies Prisma.RequestQuestionSelect;

/** A request's grant extensions, as the card, the API and the notices read them. */
export const EXTENSION_SELECT = {
  id: true,
  seconds: true,
  reason: true,
  requestedBy: true,
  requestedAt: true,
  status: true,
  decidedBy: true,
  decidedAt: true,
  grantExpiresAt: true,
  messageTs: true,
  requestedNoticeAt: true,
  closedNoticeAt: true,
} satisfies Prisma.GrantExtensionSelect;

/** The columns every use case reads about a request, with its votes, questions and extensions. */
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
  grantId: true,
  grantKid: true,
  grantToken: true,
  grantEndedAt: true,
  grantEndedBy: true,
  grantEndReason: true,
  grantEndRepliedAt: true,
  grantEndDmAt: true,
  callbacksStoppedAt: true,
  workflow: true,
  lastReminderSlot: true,
  expiryWarnedAt: true,
  escalationLevel: true,
  escalations: true,
  stageApprovers: true,
  currentStage: true,
  stageNoticed: true,
  breakGlassReason: true,
  breakGlassAnnouncedAt: true,
  breakGlassVerdict: true,
  breakGlassReviewNote: true,
  breakGlassReviewedBy: true,
  breakGlassReviewedAt: true,
  routingNotes: true,
  approversNotifyAt: true,
  approversNotifiedAt: true,
  notifyLaterIds: true,
  notifyLaterAt: true,
  notifiedLaterAt: true,
  mcpClientName: true,
  mcpClientVersion: true,
  createdAt: true,
  updatedAt: true,
  votes: {
    select: { voterId: true, decision: true, reason: true, stage: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  },
  // Needs info and Extend (services/requests/needs-info/, services/requests/extend/): few rows per request.
  questions: { select: QUESTION_SELECT, orderBy: [{ askedAt: 'asc' }, { id: 'asc' }] },
  extensions: { select: EXTENSION_SELECT, orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.ApprovalRequestSelect;

/** A request as use cases, jobs and renderers see it. */
export type RequestRow = Prisma.ApprovalRequestGetPayload<{ select: typeof REQUEST_SELECT }>;

/** Whether `id` can be a request id at all; anything else is "not found" without a query. */
export const isRequestId = isUuid;

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

/** The request's audit trail, oldest first. */
export async function getAuditTrail(tx: Tx, requestId: string) {
  return tx.auditEvent.findMany({
    where: { requestId },
    orderBy: { id: 'asc' },
    select: { id: true, type: true, actorType: true, actorId: true, details: true, createdAt: true },
  });
}

export type AuditRow = Awaited<ReturnType<typeof getAuditTrail>>[number];

/** A request's clocks alone (status, deadline, grant window, deferred notice), for a timer that fired; null when gone. */
export function getRequestClocks(tx: Tx, id: string) {
  return tx.approvalRequest.findUnique({
    where: { id },
    select: { status: true, expiresAt: true, grantExpiresAt: true, notifyLaterAt: true },
  });
}

/** How many requests are pending, and since when the oldest (the metrics' gauges). */
export function countPending(tx: Tx) {
  return tx.$queryRaw<Array<{ count: number; oldest: Date | null }>>`
          SELECT count(*)::int AS count, min(created_at) AS oldest FROM approval_requests WHERE status = 'pending'`;
}

/**
 * A page (after `after`, in id order) of the requests with no audit event at all: every request is
 * created with its first event, so one with none has lost its whole chain (services/audit/verify.ts).
 * NOT EXISTS probes the (request_id, id) index once per request.
 */
export function requestsWithoutEvents(tx: Tx, after: string | null, pageSize: number): Promise<Array<{ id: string }>> {
  return after === null
    ? tx.$queryRaw`
            SELECT r.id::text AS id FROM approval_requests r
             WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.request_id = r.id)
             ORDER BY r.id LIMIT ${pageSize}`
    : tx.$queryRaw`
            SELECT r.id::text AS id FROM approval_requests r
             WHERE r.id > ${after}::uuid AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.request_id = r.id)
             ORDER BY r.id LIMIT ${pageSize}`;
}

/**
 * The public keys the JWKS publishes (services/grants/keys.ts): current ones, those retired since
 * `graceSince`, and any that signed a grant still unexpired at `now` — which only the requests know.
 */
export function publishedGrantKeys<Jwk>(tx: Tx, graceSince: Date, now: Date) {
  return tx.$queryRaw<Array<{ public_jwk: Jwk }>>`
        SELECT k.public_jwk FROM grant_keys k
         WHERE k.retired_at IS NULL OR k.retired_at > ${graceSince}
            OR EXISTS (SELECT 1 FROM approval_requests r WHERE r.grant_kid = k.kid AND r.grant_expires_at > ${now})
         ORDER BY k.created_at DESC`;
}
