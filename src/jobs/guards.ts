import { getRequest, type RequestRow } from '../services/requests/store/reads.ts';
import type { JobDeps } from './queues.ts';

/** Why a job has nothing (more) to do for a request. */
export type Skip = string;

/**
 * Loads the job's request and runs its guard: the guard returns a reason to skip (the work is done,
 * or cannot be done any more) or null to go on. A request that no longer exists is always skipped.
 * Jobs are at-least-once, so every handler starts here and stays idempotent.
 */
export async function loadRequestUnlessSkipped(
  deps: Pick<JobDeps, 'db'>,
  requestId: string,
  guard: (request: RequestRow) => Skip | null,
): Promise<RequestRow | null> {
  const request = await getRequest(deps.db, requestId);
  if (request === null || guard(request) !== null) return null;
  return request;
}

/** Card work stops for good once Slack refused the card permanently. */
export function cardGuard(request: RequestRow): Skip | null {
  return request.slackError === null ? null : 'card failed permanently';
}

/** Thrown to retry later when the card a job needs has not been posted yet. */
export class CardNotPostedError extends Error {
  constructor(requestId: string) {
    super(`card for ${requestId} not posted yet`);
    this.name = 'CardNotPostedError';
  }
}

/** The card's message ts, or a retryable error when the post is still queued. */
export function postedTs(request: RequestRow): string {
  if (request.messageTs === null) throw new CardNotPostedError(request.id);
  return request.messageTs;
}
