/**
 * The record of a request's card in Slack: where it was posted (`message_ts`) and the version it
 * shows. Written once, by the job that posted it; the other card marks are in marks.ts.
 */
import type { Tx } from '../../types.ts';

/**
 * Records the posted card's `ts` and the version it shows (null for an adopted card, which shows
 * whatever it was posted with, so it is re-rendered) — only if no card was recorded yet. Returns
 * the row's version now when it recorded, in the same round trip; null when a card was already
 * recorded (or the request is gone).
 */
export async function recordCardPosted(
  db: Tx,
  requestId: string,
  ts: string,
  shownVersion: number | null,
): Promise<{ version: number } | null> {
  const recorded = await db.$queryRaw<Array<{ version: number }>>`
      UPDATE approval_requests SET message_ts = ${ts}, card_version = ${shownVersion}::int
       WHERE id = ${requestId}::uuid AND message_ts IS NULL
      RETURNING version`;
  return recorded[0] ?? null;
}

/** The request's version now (null: no such request). */
export function getRequestVersion(db: Tx, requestId: string): Promise<{ version: number } | null> {
  return db.approvalRequest.findUnique({ where: { id: requestId }, select: { version: true } });
}
