import type { CoreDeps } from '../ports.ts';
import { type EscalationRecord, escalationsOf } from './escalate.ts';
import { appendEscalationNotified } from './store/announcement-marks.ts';
import type { RequestRow } from './store/reads.ts';

/** One notice an escalation level owes: a DM to a person it added, or (no user) the post in its channel. */
export interface EscalationNotice {
  requestId: string;
  level: number;
  userId: string | null;
}

/** The key a notice is remembered by in its level's `notified`: the user's id, or the level's channel id for the post. */
export function noticeKey(record: EscalationRecord, userId: string | null): string | null {
  return userId ?? record.channelId;
}

/** Whether a level's notice to `userId` (null: its channel post) is on record as sent; untracked levels count as sent. */
export function isNotified(record: EscalationRecord, userId: string | null): boolean {
  const key = noticeKey(record, userId);
  return key === null || record.notified === undefined || record.notified.includes(key);
}

/**
 * The escalation notices a pending request still owes, of one level or of all: for each level, a DM
 * to each person it added and the post in its channel (if it has one), less those on record as sent.
 * A decided request owes none: nobody needs asking any more.
 */
export function owedEscalationNotices(
  request: Pick<RequestRow, 'id' | 'status' | 'escalations'>,
  level?: number,
): EscalationNotice[] {
  if (request.status !== 'pending') return [];
  return escalationsOf(request.escalations)
    .filter((record) => level === undefined || record.level === level)
    .flatMap((record) =>
      [...record.approvers, ...(record.channelId === null ? [] : [null])]
        .filter((userId) => !isNotified(record, userId))
        .map((userId) => ({ requestId: request.id, level: record.level, userId })),
    );
}

/**
 * Records that level `level`'s notice to `userId` (null: its channel post) went out. One conditional
 * statement appends to that level's `notified`, so the notices of one level finishing together each
 * keep their mark (and a repeat adds nothing); it waits for, and never undoes, an escalation writing
 * the row under its lock. Changes nothing the card shows, so the row's version stays.
 */
export async function markEscalationNotified(
  deps: Pick<CoreDeps, 'db'>,
  request: Pick<RequestRow, 'id' | 'escalations'>,
  level: number,
  userId: string | null,
): Promise<void> {
  const records = escalationsOf(request.escalations);
  const index = records.findIndex((r) => r.level === level);
  const record = records[index];
  const key = record === undefined ? null : noticeKey(record, userId);
  if (key === null) return;
  await appendEscalationNotified(deps.db, request.id, { index, level }, key);
}
