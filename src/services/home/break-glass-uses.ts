import { REQUEST_SELECT, type RequestRow } from '../requests/store/reads.ts';
import type { Tx } from '../types.ts';

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
