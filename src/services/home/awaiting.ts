import { REQUEST_SELECT, type RequestRow } from '../requests/store/reads.ts';
import type { Tx } from '../types.ts';

/**
 * The pending requests waiting for `userId`'s vote, soonest to expire first (App Home's "Waiting for
 * your approval"): they are routed to them, not theirs, and they have not voted. A multi-stage chain
 * is listed only while their stage decides (`stage_approvers` at `current_stage`): a later stage's
 * approver has nothing to do yet, and its buttons would only be refused. The chain test is JSONB, so
 * the page of ids comes from SQL and the rows from the usual select.
 */
export async function listAwaiting(
  db: Tx,
  userId: string,
  window: { skip: number; take: number },
): Promise<RequestRow[]> {
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
