import type { Job } from 'bullmq';
import { requestAwaitedApprovers } from '../../services/requests/stages.ts';
import { markNotifiedLater } from '../../services/requests/store/marks.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { getRequestClocks } from '../../services/requests/store/reads.ts';
import { loadRequestUnlessSkipped, type Skip } from '../guards.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob, delayUntil } from '../runtime.ts';
import { approverDm } from './approver-dm.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';

/**
 * They are told after the others (README): while an available approver's DM is still queued — waiting
 * for the card, rate limited, retrying — wait a full delay, since it goes out no sooner than now; once
 * sent, it moves the row's time on (approver-dm.ts), and the job waits for the time the row says (read
 * after the DMs' jobs, which record it before they finish). Also covers a job fired early as clocks differ.
 */
async function waitForTheOthers(deps: JobDeps, job: Job, token: string, request: RequestRow): Promise<void> {
  const later = new Set(request.notifyLaterIds);
  const first = requestAwaitedApprovers(request).filter((id) => !later.has(id));
  const queue = deps.jobs.queue(approverDm.queue);
  const dms = await Promise.all(first.map((userId) => queue.getJob(JOB_IDS.approverDm(request.id, userId))));
  const now = deps.now().getTime();
  // A job gone (removed once done, or lost to a flush) or finished (`finishedOn`) is not owed any more.
  if (dms.some((dm) => dm !== undefined && dm.finishedOn === undefined)) {
    await delayUntil(job, token, now + deps.config.UNAVAILABLE_NOTIFY_DELAY_SECONDS * 1000);
  }
  const row = await getRequestClocks(deps.db, request.id);
  const due = row?.notifyLaterAt?.getTime() ?? now;
  if (due > now) await delayUntil(job, token, due);
}

/**
 * The approvers who were away or in Do Not Disturb when the others were told (`notifyLaterIds`)
 * are DM'd now, `UNAVAILABLE_NOTIFY_DELAY_SECONDS` later — unless they voted meanwhile or the
 * request was decided. A timer (timers.ts), so the reconciler re-creates it after a Redis flush.
 */
export const notifyLater = defineJob<TRequestRef, JobDeps>({
  name: 'approvers.notify-later',
  queue: QUEUES.notify,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, (r): Skip | null => {
      if (r.status !== 'pending') return 'decided';
      return r.notifyLaterAt === null || r.notifiedLaterAt !== null ? 'nothing owed' : null;
    });
    if (request === null || request.notifyLaterAt === null) return;
    if (token !== undefined) await waitForTheOthers(deps, job, token, request);
    // Still awaited: not voted, and (with stages) in the stage deciding now.
    const awaited = new Set(requestAwaitedApprovers(request));
    const owed = request.notifyLaterIds.filter((id) => awaited.has(id));
    await deps.jobs.enqueueBulk(
      approverDm,
      owed.map((userId) => ({
        payload: { requestId, userId },
        options: { jobId: JOB_IDS.approverDm(requestId, userId) },
      })),
    );
    await markNotifiedLater(deps.db, requestId, deps.now());
  },
});
