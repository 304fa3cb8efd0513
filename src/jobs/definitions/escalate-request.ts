import { escalate } from '../../services/requests/escalate.ts';
import { getRequest } from '../../services/requests/store/reads.ts';
import { enqueueEscalationNotices } from '../escalation-notices.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob, delayUntil } from '../runtime.ts';
import { escalationDue } from '../workflow-due.ts';
import { type TTimerStep, ZTimerStep } from './payloads.ts';

/**
 * Escalation level `step` (0 for the first) of a pending request: its approvers join the request
 * (services/requests/escalate.ts, once per level), they are notified, and the next level's timer is
 * set. A retry after the level fired (an enqueue that failed) queues the notices not yet sent and the
 * timer again under the same ids, which changes nothing when they exist; notices lost with Redis are
 * queued again by the reconciler (jobs/escalation-notices.ts), from the level's `notified`.
 */
export const escalateRequest = defineJob<TTimerStep, JobDeps>({
  name: 'request.escalate',
  queue: QUEUES.timers,
  schema: ZTimerStep,
  attempts: 20,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId, step }, deps, job, token) {
    let request = await getRequest(deps.db, requestId);
    if (request === null) return;
    if (request.escalationLevel === step) {
      const due = escalationDue(request, step);
      if (due === null) return; // decided, or the level falls after the deadline
      if (due.getTime() > deps.now().getTime() && token !== undefined) {
        // Fired early (clocks differ): wait for the level's time.
        await delayUntil(job, token, due.getTime());
      }
      request = (await escalate(deps, requestId, step)) ?? (await getRequest(deps.db, requestId));
      if (request === null) return;
    }
    if (request.escalationLevel <= step) return; // not fired: decided or expired meanwhile
    await enqueueEscalationNotices(deps, request, step + 1);
    const next = request.escalationLevel === step + 1 ? escalationDue(request, step + 1) : null;
    if (next !== null) {
      await deps.jobs.enqueue(
        escalateRequest,
        { requestId, step: step + 1 },
        { jobId: JOB_IDS.escalate(requestId, step + 1), delay: Math.max(0, next.getTime() - deps.now().getTime()) },
      );
    }
  },
});
