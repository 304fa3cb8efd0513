import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import type { RequestRow } from './store/reads.ts';

/**
 * Lapses a request's grant when its window has passed unused (`approved → lapsed`, by the system).
 * Locking the row settles its clocks (`lockCurrent`), so this is the lock and nothing more; returns
 * the request as it now stands, or null when it does not exist.
 */
export async function lapseIfDue(deps: CoreDeps, requestId: string): Promise<RequestRow | null> {
  const locked = await withLockedRequest(deps, requestId, async (_tx, current) => current);
  if (locked?.expiredNow) await deps.effects.requestsChanged([locked.request]);
  return locked?.request ?? null;
}
