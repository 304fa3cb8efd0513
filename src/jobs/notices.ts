import { decidedStatus, type RequestStatus } from '../domain/request-status.ts';
import type { RequestRow } from '../services/requests/store/reads.ts';
import { dmFor, NOTICE_GUARDS, type NoticePlace, type NoticeStage, stagesReached } from './notified.ts';

/** One outcome notice a request is owed: where it goes, and which one (with the status it tells). */
export interface DueNotice {
  requestId: string;
  place: NoticePlace;
  stage: NoticeStage;
  status: RequestStatus;
}

/** The row columns that decide which notices are owed. */
export type NoticeState = Pick<
  RequestRow,
  'id' | 'status' | 'slackError' | 'threadRepliedAt' | 'outcomeDmAt' | 'grantEndRepliedAt' | 'grantEndDmAt'
>;

/**
 * Every outcome notice the request has reached and not yet sent, decision first: the one rule
 * effects (after a change) and the reconciler (after a loss) both follow. Thread replies are owed
 * while the card has not failed for good. The decision's notice tells the status it was decided with,
 * the grant end's its own. The request's follow-up job (definitions/update-card.ts) sends them.
 */
export function dueNotices(request: NoticeState): DueNotice[] {
  const due: DueNotice[] = [];
  for (const stage of stagesReached(request.status)) {
    const status = stage === 'decision' ? decidedStatus(request.status) : request.status;
    if (request.slackError === null && request[NOTICE_GUARDS.thread[stage]] === null) {
      due.push({ requestId: request.id, place: 'thread', stage, status });
    }
    if (dmFor(stage, request.status) && request[NOTICE_GUARDS.dm[stage]] === null) {
      due.push({ requestId: request.id, place: 'dm', stage, status });
    }
  }
  return due;
}
