import { Prisma } from '../../../generated/prisma/client.ts';
import type { Tx } from '../../types.ts';
import type { RequestRow } from './reads.ts';

/** The bookkeeping columns that record an outcome notice went out (see jobs/notified.ts). */
export type NoticeMark = keyof Pick<
  RequestRow,
  'threadRepliedAt' | 'outcomeDmAt' | 'grantEndRepliedAt' | 'grantEndDmAt'
>;

/** Records that a notice went out (or was given up on) — once: a mark already set is left as it is. */
export async function markNotice(db: Tx, requestId: string, field: NoticeMark, at: Date): Promise<void> {
  await db.approvalRequest.updateMany({ where: { id: requestId, [field]: null }, data: { [field]: at } });
}

const NOTICE_COLUMNS = {
  threadRepliedAt: 'thread_replied_at',
  outcomeDmAt: 'outcome_dm_at',
  grantEndRepliedAt: 'grant_end_replied_at',
  grantEndDmAt: 'grant_end_dm_at',
} as const satisfies Record<NoticeMark, string>;

/** What a request's follow-up job (jobs/definitions/update-card.ts) did: the card version it showed, the notices it settled. */
export interface FollowUpMarks {
  cardVersion: number | null;
  notices: NoticeMark[];
}

/**
 * Records a follow-up's work in one statement: the card version (never moved backwards) and each
 * notice mark (a mark already set is left as it is). Nothing to record costs no statement.
 */
export async function markFollowUp(db: Tx, requestId: string, marks: FollowUpMarks, at: Date): Promise<void> {
  const sets = marks.notices.map((field) => {
    const column = Prisma.raw(NOTICE_COLUMNS[field]);
    return Prisma.sql`${column} = COALESCE(${column}, ${at}::timestamptz)`;
  });
  if (marks.cardVersion !== null)
    sets.push(Prisma.sql`card_version = GREATEST(card_version, ${marks.cardVersion}::int)`);
  if (sets.length === 0) return;
  await db.$executeRaw`
    UPDATE approval_requests SET ${Prisma.join(sets)}, updated_at = ${at}::timestamptz WHERE id = ${requestId}::uuid`;
}

/** Records that Slack refused the card for good (`code`): card work stops for this request. */
export async function markCardFailed(db: Tx, requestId: string, code: string): Promise<void> {
  await db.approvalRequest.updateMany({ where: { id: requestId }, data: { slackError: code } });
}

/** Records that the requester was warned of the coming deadline (once). */
export async function markExpiryWarned(db: Tx, requestId: string, at: Date): Promise<void> {
  await db.approvalRequest.updateMany({ where: { id: requestId, expiryWarnedAt: null }, data: { expiryWarnedAt: at } });
}

/** Records that the approvers who were away were told (once). */
export async function markNotifiedLater(db: Tx, requestId: string, at: Date): Promise<void> {
  await db.approvalRequest.updateMany({
    where: { id: requestId, notifiedLaterAt: null },
    data: { notifiedLaterAt: at },
  });
}

/** Records the reminder slot that went out; never moves it backwards. */
export async function markReminderSlot(db: Tx, requestId: string, slot: number): Promise<void> {
  await db.approvalRequest.updateMany({
    where: { id: requestId, lastReminderSlot: { lt: slot } },
    data: { lastReminderSlot: slot },
  });
}
