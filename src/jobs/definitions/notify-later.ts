import { requestAwaitedApprovers } from '../../services/requests/stages.ts';
import { loadForJob, type Skip } from '../guards.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob, delayUntil } from '../runtime.ts';
import { approverDm } from './approver-dm.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';

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
    const request = await loadForJob(deps, requestId, (r): Skip | null => {
      if (r.status !== 'pending') return 'decided';
      return r.notifyLaterAt === null || r.notifiedLaterAt !== null ? 'nothing owed' : null;
    });
    if (request === null || request.notifyLaterAt === null) return;
    if (request.notifyLaterAt.getTime() > deps.now().getTime() && token !== undefined) {
      // Fired early (clocks differ): wait for the time the row says.
      await delayUntil(job, token, request.notifyLaterAt.getTime());
    }
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
    await deps.db.approvalRequest.updateMany({
      where: { id: requestId, notifiedLaterAt: null },
      data: { notifiedLaterAt: deps.now() },
    });
  },
});
