import { decidedStatus } from '../domain/request-status.ts';
import type { RequestRow } from '../services/requests/store/reads.ts';
import { sendDm } from './definitions/send-dm.ts';
import { threadReply } from './definitions/thread-reply.ts';
import { JOB_IDS } from './job-ids.ts';
import { dmFor, NOTICE_GUARDS, type NoticePlace, type NoticeStage, stagesReached } from './notified.ts';
import type { JobDeps } from './queues.ts';
import { requeue } from './requeue.ts';

/** One outcome notice a request is owed: where it goes, which one, and its deterministic job id. */
export interface DueNotice {
  requestId: string;
  place: NoticePlace;
  stage: NoticeStage;
  jobId: string;
}

/** The row columns that decide which notices are owed. */
export type NoticeState = Pick<
  RequestRow,
  'id' | 'status' | 'slackError' | 'threadRepliedAt' | 'outcomeDmAt' | 'grantEndRepliedAt' | 'grantEndDmAt'
>;

/**
 * Every outcome notice the request has reached and not yet sent, decision first: the one rule
 * effects (after a change) and the reconciler (after a loss) both follow. Thread replies are owed
 * while the card has not failed for good. Job ids are per notice — the decision's carries the status
 * it was decided with, the grant end's its own — so scheduling one twice is a no-op.
 */
export function dueNotices(request: NoticeState): DueNotice[] {
  const due: DueNotice[] = [];
  for (const stage of stagesReached(request.status)) {
    const status = stage === 'decision' ? decidedStatus(request.status) : request.status;
    if (request.slackError === null && request[NOTICE_GUARDS.thread[stage]] === null) {
      due.push({ requestId: request.id, place: 'thread', stage, jobId: JOB_IDS.threadReply(request.id, status) });
    }
    if (dmFor(stage, request.status) && request[NOTICE_GUARDS.dm[stage]] === null) {
      due.push({ requestId: request.id, place: 'dm', stage, jobId: JOB_IDS.dm(request.id, status) });
    }
  }
  return due;
}

const dmPayload = (notice: DueNotice) =>
  ({ requestId: notice.requestId, kind: notice.stage === 'decision' ? 'outcome' : 'grant_ended' }) as const;

/** Queues notices (one round trip per job kind); existing job ids are left as they are. */
export async function enqueueNotices(deps: Pick<JobDeps, 'jobs'>, notices: DueNotice[]): Promise<void> {
  const of = (place: NoticePlace) => notices.filter((notice) => notice.place === place);
  await Promise.all([
    deps.jobs.enqueueBulk(
      threadReply,
      of('thread').map((n) => ({ payload: { requestId: n.requestId, stage: n.stage }, options: { jobId: n.jobId } })),
    ),
    deps.jobs.enqueueBulk(
      sendDm,
      of('dm').map((n) => ({ payload: dmPayload(n), options: { jobId: n.jobId } })),
    ),
  ]);
}

/** Queues a notice again unless its job is still waiting or running (see requeue.ts); returns whether it did. */
export function requeueNotice(deps: Pick<JobDeps, 'jobs'>, notice: DueNotice): Promise<boolean> {
  return notice.place === 'thread'
    ? requeue(deps, threadReply, { requestId: notice.requestId, stage: notice.stage }, notice.jobId)
    : requeue(deps, sendDm, dmPayload(notice), notice.jobId);
}
