import type { Tx } from '../types.ts';

/** One person's out-of-office: away until `awayUntil`, with `delegateId` deciding in their place (or nobody). */
export interface AwayRow {
  slackUserId: string;
  awayUntil: Date;
  delegateId: string | null;
  setAt: Date;
}

const AWAY_SELECT = { slackUserId: true, awayUntil: true, delegateId: true, setAt: true } as const;

/** The user's away status while it lasts; null when they never set one or it has passed. */
export async function getAway(tx: Tx, userId: string, now: Date): Promise<AwayRow | null> {
  const row = await tx.awayStatus.findUnique({ where: { slackUserId: userId }, select: AWAY_SELECT });
  return row !== null && row.awayUntil > now ? row : null;
}

/** Everyone away at `now` (optionally only among `userIds`), soonest back first. */
export async function listAway(tx: Tx, now: Date, userIds?: readonly string[]): Promise<AwayRow[]> {
  return tx.awayStatus.findMany({
    where: { awayUntil: { gt: now }, ...(userIds === undefined ? {} : { slackUserId: { in: [...userIds] } }) },
    orderBy: [{ awayUntil: 'asc' }, { slackUserId: 'asc' }],
    select: AWAY_SELECT,
  });
}
