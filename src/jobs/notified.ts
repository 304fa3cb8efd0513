import { isGrantEnd, type RequestStatus } from '../domain/request-status.ts';
import type { RequestRow } from '../services/requests/store/reads.ts';

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
