import type { Job } from 'bullmq';
import { isGrantEnd, type RequestStatus } from '../domain/request-status.ts';
import { markNotice } from '../services/requests/store/marks.ts';
import type { RequestRow } from '../services/requests/store/reads.ts';
import type { JobDeps } from './queues.ts';
import { delayUntil } from './runtime.ts';

/**
 * The outcome notices a request gets, one after the other: its decision (approved, denied, expired,
 * cancelled), then — once approved — how its grant ended (executed, revoked, lapsed).
 */
export const NOTICE_STAGES = ['decision', 'grant_end'] as const;

export type NoticeStage = (typeof NOTICE_STAGES)[number];

/**
 * The row column that records each notice went out (or was given up on after a permanent Slack
 * error), by where it goes: one column per (stage, place), so each notice is sent at most once
 * whatever other notice the request has had, and a missing one is visible to the reconciler.
 */
export const NOTICE_GUARDS = {
  thread: { decision: 'threadRepliedAt', grant_end: 'grantEndRepliedAt' },
  dm: { decision: 'outcomeDmAt', grant_end: 'grantEndDmAt' },
} as const satisfies Record<'thread' | 'dm', Record<NoticeStage, keyof RequestRow>>;

export type NoticePlace = keyof typeof NOTICE_GUARDS;
export type NoticeField = (typeof NOTICE_GUARDS)[NoticePlace][NoticeStage];

/** The notices a request in `status` has reached: none while pending, the decision, or both. */
export function stagesReached(status: RequestStatus): NoticeStage[] {
  if (status === 'pending') return [];
  return isGrantEnd(status) ? ['decision', 'grant_end'] : ['decision'];
}

/**
 * Whether the requester is sent a DM for this notice. The decision always; a grant's end when it was
 * revoked or lapsed — access they had was taken away or ran out. Execution is posted in the thread
 * only: whoever executed the grant knows, and the requester is usually them (or their service).
 */
export function dmFor(stage: NoticeStage, status: RequestStatus): boolean {
  return stage === 'decision' || status !== 'executed';
}

/** Thrown to retry later: a grant's-end notice waits until its decision notice is out, so they read in order. */
export class NoticeOutOfOrderError extends Error {
  constructor(requestId: string, place: NoticePlace) {
    super(`request ${requestId}: the decision ${place === 'dm' ? 'DM' : 'thread reply'} has not gone out yet`);
    this.name = 'NoticeOutOfOrderError';
  }
}

/** How long a grant's-end notice waits before looking again whether the decision notice is out. */
const ORDER_WAIT_MS = 1000;

/**
 * Holds a grant's-end notice back while the decision notice before it is not out yet, so the thread
 * and the DMs read in order: the job moves to the delayed set for a second (using up no attempt, as
 * a rate limit does), or — without a worker token — fails to be retried with backoff.
 */
export async function waitForDecisionNotice(
  job: Job,
  token: string | undefined,
  request: RequestRow,
  place: NoticePlace,
  stage: NoticeStage,
): Promise<void> {
  if (stage !== 'grant_end' || request[NOTICE_GUARDS[place].decision] !== null) return;
  if (token === undefined) throw new NoticeOutOfOrderError(request.id, place);
  await delayUntil(job, token, Date.now() + ORDER_WAIT_MS);
}

/** Records that a notice went out (or was given up on), so nothing sends it again. */
export async function markNotified(
  deps: Pick<JobDeps, 'db' | 'now'>,
  requestId: string,
  field: NoticeField,
): Promise<void> {
  await markNotice(deps.db, requestId, field, deps.now());
}
