import { randomUUID } from 'node:crypto';
import type { RequestStatus } from '../../../domain/request-status.ts';
import { Prisma } from '../../../generated/prisma/client.ts';
import { type AuditInput, rememberAuditHead, writeChained } from '../../audit/audit.ts';
import type { RequestRow } from './reads.ts';

/** The columns a change of a request may write, with the SQL column and cast of each. */
const COLUMNS = {
  status: ['status', 'request_status'],
  decidedAt: ['decided_at', 'timestamptz'],
  decidedBy: ['decided_by', 'text'],
  decisionReason: ['decision_reason', 'text'],
  grantExpiresAt: ['grant_expires_at', 'timestamptz'],
  grantId: ['grant_id', 'text'],
  grantKid: ['grant_kid', 'text'],
  grantToken: ['grant_token', 'text'],
  executedAt: ['executed_at', 'timestamptz'],
  grantEndedAt: ['grant_ended_at', 'timestamptz'],
  grantEndedBy: ['grant_ended_by', 'text'],
  grantEndReason: ['grant_end_reason', 'text'],
  currentStage: ['current_stage', 'int'],
  approversNotifyAt: ['approvers_notify_at', 'timestamptz'],
  approversNotifiedAt: ['approvers_notified_at', 'timestamptz'],
  notifyLaterIds: ['notify_later_ids', 'text[]'],
  notifyLaterAt: ['notify_later_at', 'timestamptz'],
  notifiedLaterAt: ['notified_later_at', 'timestamptz'],
} as const satisfies Partial<Record<keyof RequestRow, readonly [string, string]>>;

export type ChangeColumns = { [K in keyof typeof COLUMNS]?: RequestRow[K] };

/** A vote cast with the change (decide.ts): inserted in the same statement. */
export interface NewVote {
  voterId: string;
  decision: 'approve' | 'deny';
  reason: string | null;
  stage: number | null;
  createdAt: Date;
}

/** One change of a request row, with what comes with it. */
export interface RequestChange {
  requestId: string;
  /** The status the caller read: the write happens only while the row is still in it. */
  from: RequestStatus;
  /** A clock the change must be on the right side of, checked in the statement itself. */
  deadline?: { column: 'expires_at' | 'grant_expires_at'; passed: boolean; at: Date };
  columns: ChangeColumns;
  at: Date;
  vote?: NewVote;
  /** The change's audit events, all of this request (whose row lock the caller holds). */
  events: AuditInput[];
}

/**
 * Writes a change of a request — the conditional row update (version bumped), the vote that made
 * it and its audit events — in ONE statement (a data-modifying CTE), where it took four (INSERT the
 * vote, UPDATE the row, read the audit head, INSERT the events). Returns whether the row was still
 * in `from` (and on the right side of `deadline`); when it was not, the caller throws, rolling back
 * the transaction with whatever else the statement wrote.
 */
export async function writeRequestChange(tx: Prisma.TransactionClient, change: RequestChange): Promise<boolean> {
  const set = Object.entries(change.columns).map(([key, value]) => {
    const [column, cast] = COLUMNS[key as keyof typeof COLUMNS];
    return Prisma.sql`${Prisma.raw(column)} = ${value}::${Prisma.raw(cast)}`;
  });
  const deadline =
    change.deadline === undefined
      ? Prisma.empty
      : Prisma.sql`AND ${Prisma.raw(change.deadline.column)} ${Prisma.raw(change.deadline.passed ? '<=' : '>')} ${change.deadline.at}::timestamptz`;
  const { vote } = change;
  const voteSql =
    vote === undefined
      ? Prisma.empty
      : Prisma.sql`, vote AS (
          INSERT INTO votes (id, request_id, voter_id, decision, reason, stage, created_at)
          SELECT ${randomUUID()}::uuid, ${change.requestId}::uuid, ${vote.voterId}, ${vote.decision}::vote_decision,
                 ${vote.reason}, ${vote.stage}::int, ${vote.createdAt}::timestamptz
            FROM ok WHERE ok.ok
          RETURNING 1)`;
  const result = await writeChained(
    tx,
    change.events,
    (audit) => tx.$queryRaw<Array<{ ok: boolean; moved: number }>>`
      WITH ${audit.guard}${voteSql},
      moved AS (
        UPDATE approval_requests
           SET ${Prisma.join([...set, Prisma.sql`version = version + 1`, Prisma.sql`updated_at = ${change.at}::timestamptz`])}
         WHERE id = ${change.requestId}::uuid AND status = ${change.from}::request_status ${deadline}
           AND (SELECT ok FROM ok)
        RETURNING 1),
      inserted AS (${audit.insert} RETURNING 1)
      SELECT (SELECT ok FROM ok) AS ok, (SELECT count(*)::int FROM moved) AS moved`,
  );
  return result.moved === 1;
}

/**
 * Expires up to `limit` overdue pending requests in one statement, skipping rows another transaction
 * holds (it is deciding or expiring them); returns their ids. The batch form of a transition to
 * `expired` (transition.ts `expireOverdue` audits them): the statement also reads the head of each
 * expired request's audit chain, so its `request.expired` event needs no read of its own (audit.ts
 * guards the insert by it, as after a row lock).
 */
export async function expireOverdueRows(tx: Prisma.TransactionClient, now: Date, limit: number): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string; head: string | null }>>`
    UPDATE approval_requests r SET status = 'expired', decided_at = ${now}, updated_at = ${now}, version = version + 1
     WHERE id IN (SELECT id FROM approval_requests WHERE status = 'pending' AND expires_at <= ${now}
                   ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id,
              (SELECT a.hash FROM audit_events a WHERE a.request_id = r.id ORDER BY a.id DESC LIMIT 1) AS head`;
  for (const row of rows) rememberAuditHead(tx, row.id, row.head);
  return rows.map((row) => row.id);
}
