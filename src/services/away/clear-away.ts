import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';

/**
 * Clears the user's away status (they are back): new requests route to them again. Audited as
 * `away.cleared` with what was cleared; returns false (and records nothing) when none was set.
 */
export async function clearAway(deps: Pick<CoreDeps, 'db' | 'away'>, userId: string): Promise<boolean> {
  const result = await deps.db.$transaction(async (tx) => {
    // One statement reads and removes it, so a concurrent set is either cleared whole or kept whole.
    const cleared = await tx.$queryRaw<Array<{ away_until: Date; delegate_id: string | null }>>`
      DELETE FROM away_statuses WHERE slack_user_id = ${userId} RETURNING away_until, delegate_id`;
    const row = cleared[0];
    if (row === undefined) return false;
    await recordAudit(tx, {
      type: 'away.cleared',
      actor: { type: 'user', id: userId },
      details: { user: userId, until: row.away_until.toISOString(), delegate: row.delegate_id },
    });
    return true;
  });
  // Routing reads who is away from memory: every instance reloads it now.
  await deps.away.changed();
  return result;
}
