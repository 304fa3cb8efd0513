import { isUuid } from '../../domain/uuid.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import type { Tx } from '../types.ts';

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

/**
 * Bounds how long this transaction's row-lock waits may take: past `ms`, PostgreSQL gives up with
 * 55P03, which `isContention` (locking.ts) recognises, instead of a connection waiting indefinitely.
 */
export async function limitLockWait(tx: Prisma.TransactionClient, ms: number): Promise<void> {
  await tx.$executeRaw`SELECT set_config('lock_timeout', ${String(ms)}, true)`;
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

/** The first audit events of a new request, chained (see audit.ts `initialAuditEvents`). */
export interface InitialAuditRow {
  type: string;
  actorType: string;
  actorId: string | null;
  details: unknown;
  prevHash: string | null;
  hash: string;
  createdAt: Date;
}

/**
 * Inserts a new request and its first audit events in ONE statement (a data-modifying CTE), so they
 * commit together in a single round trip; Prisma's nested create takes five (BEGIN, two INSERTs, a
 * SELECT, COMMIT) on the hottest path of the service. The caller already holds the row it inserts.
 * A duplicate Idempotency-Key surfaces as a unique violation (`isUniqueViolation`).
 */
export async function insertRequest(tx: Tx, row: RequestRow, events: InitialAuditRow[]): Promise<void> {
  const auditJson = JSON.stringify(
    events.map((e) => ({
      type: e.type,
      actor_type: e.actorType,
      actor_id: e.actorId,
      details: e.details,
      prev_hash: e.prevHash,
      hash: e.hash,
      created_at: e.createdAt.toISOString(),
    })),
  );
  await tx.$executeRaw`
    WITH request AS (
      INSERT INTO approval_requests (
        id, status, version, source, action, resource, environment, risk, reason, context, params_hash,
        requester_slack_id, requester_email, api_client_id, idempotency_key, idempotency_hash, callback_url,
        rule_id, rule_name, channel_id, approver_ids, required_approvals, require_reason, grant_seconds,
        thread_replied_at, expires_at, decided_at, decided_by, decision_reason, grant_expires_at,
        grant_id, grant_kid, grant_token, workflow, stage_approvers, break_glass_reason, routing_notes,
        approvers_notify_at, mcp_client_name, mcp_client_version, created_at, updated_at)
      VALUES (
        ${row.id}::uuid, ${row.status}::request_status, ${row.version}, ${row.source}::request_source,
        ${row.action}, ${row.resource}, ${row.environment}, ${row.risk}::risk, ${row.reason},
        ${JSON.stringify(row.context)}::jsonb, ${row.paramsHash},
        ${row.requesterSlackId}, ${row.requesterEmail}, ${row.apiClientId}::uuid, ${row.idempotencyKey},
        ${row.idempotencyHash}, ${row.callbackUrl},
        ${row.ruleId}::uuid, ${row.ruleName}, ${row.channelId}, ${row.approverIds}::text[], ${row.requiredApprovals},
        ${row.requireReason}, ${row.grantSeconds}::int,
        ${row.threadRepliedAt}::timestamptz, ${row.expiresAt}::timestamptz, ${row.decidedAt}::timestamptz,
        ${row.decidedBy}, ${row.decisionReason}, ${row.grantExpiresAt}::timestamptz,
        ${row.grantId}, ${row.grantKid}, ${row.grantToken}, ${JSON.stringify(row.workflow)}::jsonb,
        ${row.stageApprovers === null ? null : JSON.stringify(row.stageApprovers)}::jsonb, ${row.breakGlassReason},
        ${row.routingNotes === null ? null : JSON.stringify(row.routingNotes)}::jsonb, ${row.approversNotifyAt}::timestamptz,
        ${row.mcpClientName}, ${row.mcpClientVersion}, ${row.createdAt}::timestamptz, ${row.updatedAt}::timestamptz)
      RETURNING id)
    INSERT INTO audit_events (request_id, type, actor_type, actor_id, details, prev_hash, hash, created_at)
    SELECT request.id, e.type, e.actor_type, e.actor_id, e.details, e.prev_hash, e.hash, e.created_at
      FROM request,
           ROWS FROM (jsonb_to_recordset(${auditJson}::jsonb)
             AS (type text, actor_type text, actor_id text, details jsonb, prev_hash text, hash text,
                 created_at timestamptz)) WITH ORDINALITY
           AS e(type, actor_type, actor_id, details, prev_hash, hash, created_at, position)
     ORDER BY e.position`;
}

/** A unique violation from a Prisma call or from raw SQL (whose errors keep PostgreSQL's 23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  return error.code === 'P2010' && /23505|unique/i.test(`${JSON.stringify(error.meta ?? {})} ${error.message}`);
}
