import { Prisma } from '../../../generated/prisma/client.ts';
import { auditRowsJson, type ChainedAuditRow } from '../../audit/audit.ts';
import type { Tx } from '../../types.ts';
import { REQUEST_SELECT, type RequestRow } from './reads.ts';

/** The first audit events of a new request, chained (see audit.ts `initialAuditEvents`). */
export type InitialAuditRow = ChainedAuditRow;

/**
 * Inserts a new request and its first audit events in ONE statement (a data-modifying CTE), so they
 * commit together in a single round trip; Prisma's nested create takes five (BEGIN, two INSERTs, a
 * SELECT, COMMIT) on the hottest path of the service. The caller already holds the row it inserts.
 * A duplicate Idempotency-Key surfaces as a unique violation (`isUniqueViolation`).
 */
export async function insertRequest(tx: Tx, row: RequestRow, events: InitialAuditRow[]): Promise<void> {
  const auditJson = auditRowsJson(events);
  await tx.$executeRaw`
    WITH request AS (
      INSERT INTO approval_requests (
        id, status, version, source, action, resource, environment, risk, reason, context, params_hash,
        requester_slack_id, requester_email, api_client_id, idempotency_key, idempotency_hash, callback_url,
        rule_id, rule_name, channel_id, approver_ids, required_approvals, require_reason, grant_seconds,
        thread_replied_at, expires_at, decided_at, decided_by, decision_reason, grant_expires_at, executed_at,
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
        ${row.decidedBy}, ${row.decisionReason}, ${row.grantExpiresAt}::timestamptz, ${row.executedAt}::timestamptz,
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

/**
 * The request an API client created with Idempotency-Key `key`, if any: a repeat answers it instead
 * of creating another (services/requests/idempotency.ts).
 */
export function findByIdempotencyKey(tx: Tx, clientId: string, key: string): Promise<RequestRow | null> {
  return tx.approvalRequest.findUnique({
    where: { apiClientId_idempotencyKey: { apiClientId: clientId, idempotencyKey: key } },
    select: REQUEST_SELECT,
  });
}
