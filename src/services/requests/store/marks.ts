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

/** Records the version the card now shows; never moves it backwards if a newer update already landed. */
export async function markCardVersion(db: Tx, requestId: string, version: number): Promise<void> {
  await db.approvalRequest.updateMany({
    where: { id: requestId, OR: [{ cardVersion: null }, { cardVersion: { lt: version } }] },
    data: { cardVersion: version },
  });
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
