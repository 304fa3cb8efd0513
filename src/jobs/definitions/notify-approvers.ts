import { orderByAvailability } from '../../services/availability/availability.ts';
import { requestAwaitedApprovers } from '../../services/requests/stages.ts';
import { loadRequestUnlessSkipped, type Skip } from '../guards.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { approverDm } from './approver-dm.ts';
import { notifyLater } from './notify-later.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';
import { updateCard } from './update-card.ts';

/**
 * Tells a new request's approvers by DM (APPROVER_DMS), available ones first: each approver's Slack
 * presence and Do Not Disturb are looked up (availability.ts; an error counts as available); those
 * available are DM'd at once, the others are recorded (`notifyLaterIds`, shown on the card) and
 * DM'd by the notify-later timer `UNAVAILABLE_NOTIFY_DELAY_SECONDS` later. Who may vote does not
 * change. With stages, only the current stage's approvers. A timer itself (due when the request is created), so a Redis flush loses none.
 */
export const notifyApprovers = defineJob<TRequestRef, JobDeps>({
  name: 'approvers.notify',
  queue: QUEUES.notify,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId }, deps) {
    const request = await loadRequestUnlessSkipped(deps, requestId, (r): Skip | null => {
      if (r.status !== 'pending') return 'decided';
      return r.approversNotifyAt === null || r.approversNotifiedAt !== null ? 'nothing owed' : null;
    });
    if (request === null) return;
    // With stages, only the current stage is told (a later stage's people hear when their stage starts).
    const owed = requestAwaitedApprovers(request);
    const { available, unavailable } = await orderByAvailability(deps, owed);
    // DMs first (deterministic per approver, so a rerun after a crash sends none twice), then the record.
    await deps.jobs.enqueueBulk(
      approverDm,
      available.map((userId) => ({
        payload: { requestId, userId },
        options: { jobId: JOB_IDS.approverDm(requestId, userId) },
      })),
    );
    const now = deps.now();
    const delayMs = deps.config.UNAVAILABLE_NOTIFY_DELAY_SECONDS * 1000;
    const laterAt = unavailable.length > 0 ? new Date(now.getTime() + delayMs) : null;
    const { count } = await deps.db.approvalRequest.updateMany({
      // Only the DMs this run was for: a chain's next stage re-arms `approversNotifyAt` for its own run.
      where: {
        id: requestId,
        status: 'pending',
        approversNotifiedAt: null,
        approversNotifyAt: request.approversNotifyAt,
      },
      // The card lists who is told later: bump the version so it re-renders.
      data: {
        approversNotifiedAt: now,
        notifyLaterIds: unavailable,
        notifyLaterAt: laterAt,
        ...(laterAt === null ? {} : { version: { increment: 1 } }),
      },
    });
    if (count === 0 || laterAt === null) return;
    await deps.jobs.enqueue(
      notifyLater,
      { requestId },
      { jobId: JOB_IDS.notifyLater(requestId, request.currentStage), delay: delayMs },
    );
    await deps.jobs.enqueue(updateCard, { requestId }, { jobId: JOB_IDS.updateCard(requestId, request.version + 1) });
  },
});
