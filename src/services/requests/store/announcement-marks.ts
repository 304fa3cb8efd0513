/**
 * The marks that make a request's announcements go out once, written after Slack answered: a
 * chain's stage notice, a break-glass announcement, an escalation level's notices. Each is
 * conditional, so a repeat (BullMQ is at-least-once) changes nothing. None changes what the card
 * shows, so the row's version stays.
 */
import type { Tx } from '../../types.ts';

/** Records that the announcement of a break-glass use went out (once). */
export async function markBreakGlassAnnounced(db: Tx, requestId: string, at: Date): Promise<void> {
  await db.approvalRequest.updateMany({
    where: { id: requestId, breakGlassAnnouncedAt: null },
    data: { breakGlassAnnouncedAt: at },
  });
}

/** Records that stage `stage`'s notice went out; never moves the mark backwards. */
export async function markStageNoticed(db: Tx, requestId: string, stage: number): Promise<void> {
  await db.approvalRequest.updateMany({
    where: { id: requestId, stageNoticed: { lt: stage } },
    data: { stageNoticed: stage },
  });
}

/**
 * Appends `key` to the `notified` list of the escalation record at `index` (whose level is `level`).
 * One conditional statement, so the notices of one level finishing together each keep their mark,
 * and a repeat adds nothing; it waits for, and never undoes, an escalation writing the row under its
 * lock.
 */
export async function appendEscalationNotified(
  db: Tx,
  requestId: string,
  record: { index: number; level: number },
  key: string,
): Promise<void> {
  const { index, level } = record;
  await db.$executeRaw`
    UPDATE approval_requests
       SET escalations = jsonb_set(
             escalations,
             ARRAY[${String(index)}, 'notified']::text[],
             (escalations -> ${index}::int -> 'notified') || jsonb_build_array(${key}::text))
     WHERE id = ${requestId}::uuid
       AND (escalations -> ${index}::int ->> 'level')::int = ${level}::int
       AND jsonb_typeof(escalations -> ${index}::int -> 'notified') = 'array'
       AND NOT (escalations -> ${index}::int -> 'notified') @> jsonb_build_array(${key}::text)`;
}
