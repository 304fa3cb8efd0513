/**
 * The lists of requests App Home shows (services/home/home-data.ts): a user's own pending requests,
 * those awaiting their vote, the grants they may revoke, and for admins the unreviewed break-glass
 * uses. Each is one page, one statement (two for the awaiting list).
 */
import type { Tx } from '../../types.ts';
import { REQUEST_SELECT, type RequestRow } from './reads.ts';

/** A page of a list: how many to skip and take. */
export interface ListWindow {
  skip: number;
  take: number;
}

/** `userId`'s own pending requests, soonest to expire first. */
export function listPendingOf(db: Tx, userId: string, window: ListWindow): Promise<RequestRow[]> {
  return db.approvalRequest.findMany({
    where: { requesterSlackId: userId, status: 'pending' },
    orderBy: { expiresAt: 'asc' },
    select: REQUEST_SELECT,
    ...window,
  });
}

/**
 * The approved grants `userId` may revoke — as revoke.ts `mayRevoke` judges a person: theirs, or
 * routed to them — soonest to end first.
 */
export function listRevocableGrants(db: Tx, userId: string, window: ListWindow): Promise<RequestRow[]> {
  return db.approvalRequest.findMany({
    where: { status: 'approved', OR: [{ requesterSlackId: userId }, { approverIds: { has: userId } }] },
    orderBy: [{ grantExpiresAt: 'asc' }, { id: 'asc' }],
    select: REQUEST_SELECT,
    ...window,
  });
}

/**
 * The pending requests waiting for `userId`'s vote, soonest to expire first (App Home's "Waiting for
 * your approval"): they are routed to them, not theirs, and they have not voted. A multi-stage chain
 * is listed only while their stage decides (`stage_approvers` at `current_stage`): a later stage's
 * approver has nothing to do yet, and its buttons would only be refused. The chain test is JSONB, so
 * the page of ids comes from SQL and the rows from the usual select.
 */
export async function listAwaiting(db: Tx, userId: string, window: ListWindow): Promise<RequestRow[]> {
  const ids = await db.$queryRaw<Array<{ id: string }>>`
    SELECT r.id::text AS id FROM approval_requests r
     WHERE r.status = 'pending'
       AND ${userId} = ANY (r.approver_ids)
       AND r.requester_slack_id <> ${userId}
       AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.request_id = r.id AND v.voter_id = ${userId})
       AND (r.stage_approvers IS NULL
            OR COALESCE(r.stage_approvers -> r.current_stage, '[]'::jsonb) @> jsonb_build_array(${userId}::text))
     ORDER BY r.expires_at, r.id
     LIMIT ${window.take} OFFSET ${window.skip}`;
  if (ids.length === 0) return [];
  const rows = await db.approvalRequest.findMany({
    where: { id: { in: ids.map((row) => row.id) } },
    select: REQUEST_SELECT,
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap(({ id }) => byId.get(id) ?? []);
}

/** At most this many unreviewed break-glass uses listed in App Home (oldest first: they have waited longest). */
export const UNREVIEWED_LIMIT = 10;

/** Break-glass uses nobody has reviewed yet, oldest first, with how many there are in all (admins' App Home). */
export async function listUnreviewedBreakGlass(db: Tx): Promise<{ items: RequestRow[]; total: number }> {
  const where = { breakGlassReason: { not: null }, breakGlassReviewedAt: null };
  const [items, total] = await Promise.all([
    db.approvalRequest.findMany({
      where,
      orderBy: { decidedAt: 'asc' },
      select: REQUEST_SELECT,
      take: UNREVIEWED_LIMIT,
    }),
    db.approvalRequest.count({ where }),
  ]);
  return { items, total };
}
