import type { CoreDeps } from '../ports.ts';
import type { RequestRow } from './store/reads.ts';
import { expireOverdue } from './transition.ts';

/**
 * Expires pending requests whose deadline has passed, up to `limit` in one statement. Expiry jobs
 * and the reconciler both call this, so a burst of deadlines costs a few statements, not one
 * transaction each. Returns what it expired.
 */
export async function expireDue(deps: CoreDeps, limit = 500): Promise<RequestRow[]> {
  const now = deps.now();
  const expired = await deps.db.$transaction((tx) => expireOverdue(tx, now, limit));
  await deps.effects.requestsChanged(expired);
  return expired;
}
