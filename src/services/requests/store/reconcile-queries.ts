import type { Prisma } from '../../../generated/prisma/client.ts';
import type { Tx } from '../../types.ts';

/** The request columns a timer's due time (and its step) is read from (jobs/timers.ts). */
export const TIMER_ROW_SELECT = {
  id: true,
  status: true,
  createdAt: true,
  expiresAt: true,
  grantExpiresAt: true,
  slackError: true,
  workflow: true,
  lastReminderSlot: true,
  expiryWarnedAt: true,
  escalationLevel: true,
  approversNotifyAt: true,
  approversNotifiedAt: true,
  notifyLaterAt: true,
  notifiedLaterAt: true,
  currentStage: true,
} satisfies Prisma.ApprovalRequestSelect;

/**
 * One page of the requests that `owed` says owe a timer, in id order after `cursor`: the reconciler
 * pages through them to find timers Redis lost. One statement a page.
 */
export function owedTimerPage(
  db: Tx,
  owed: Prisma.ApprovalRequestWhereInput,
  cursor: string | undefined,
  take: number,
) {
  return db.approvalRequest.findMany({
    where: owed,
    select: TIMER_ROW_SELECT,
    orderBy: { id: 'asc' },
    take,
    ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
  });
}
