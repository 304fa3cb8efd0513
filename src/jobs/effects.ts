import type { Effects } from '../services/deps.ts';
import type { RequestRow } from '../services/request-view.ts';
import { type JobDeps, postCard, QUEUES, sendDm, threadReply, updateCard } from './definitions.ts';
import { scheduleExpiry } from './reconciler.ts';

/**
 * Effects over the queues. Job ids are deterministic, so a repeated call schedules nothing twice.
 * Failures are logged, never thrown: the change is already committed, and the reconciler re-creates
 * what a failed enqueue left out.
 */
export function createEffects(deps: Pick<JobDeps, 'jobs' | 'events' | 'logger' | 'now'>): Effects {
  const guarded = async (what: string, request: RequestRow, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (error) {
      deps.logger.warn(
        { err: error, requestId: request.id, step: what },
        'follow-up work not queued; the reconciler will retry',
      );
    }
  };
  return {
    async requestCreated(request) {
      const steps = [
        guarded('card.post', request, () =>
          deps.jobs.enqueue(postCard, { requestId: request.id }, { jobId: `card-post-${request.id}` }),
        ),
        guarded('publish', request, () => deps.events.publish(request.id)),
      ];
      if (request.status === 'pending') {
        steps.push(guarded('expiry', request, () => scheduleExpiry(deps, request, { fresh: true })));
      } else {
        // Decided by a rule at once: the requester hears the outcome.
        steps.push(
          guarded('dm', request, () =>
            deps.jobs.enqueue(
              sendDm,
              { requestId: request.id, kind: 'outcome' },
              { jobId: `dm-${request.id}-${request.status}` },
            ),
          ),
        );
      }
      await Promise.all(steps);
    },
    async requestsChanged(requests) {
      if (requests.length === 0) return;
      const final = requests.filter((request) => request.status !== 'pending');
      const first = requests[0] as RequestRow;
      const steps: Array<Promise<void>> = [
        guarded('card.update', first, () =>
          deps.jobs.enqueueBulk(
            updateCard,
            requests.map((r) => ({
              payload: { requestId: r.id },
              options: { jobId: `card-update-${r.id}-v${r.version}` },
            })),
          ),
        ),
        guarded('publish', first, () => deps.events.publish(...requests.map((r) => r.id))),
        guarded('thread-reply', first, () =>
          deps.jobs.enqueueBulk(
            threadReply,
            final.map((r) => ({ payload: { requestId: r.id }, options: { jobId: `thread-${r.id}-${r.status}` } })),
          ),
        ),
        guarded('dm', first, () =>
          deps.jobs.enqueueBulk(
            sendDm,
            final.map((r) => ({
              payload: { requestId: r.id, kind: 'outcome' as const },
              options: { jobId: `dm-${r.id}-${r.status}` },
            })),
          ),
        ),
      ];
      for (const request of final.filter((r) => r.status !== 'expired')) {
        steps.push(guarded('unschedule', request, () => deps.jobs.queue(QUEUES.timers).remove(`expire-${request.id}`)));
      }
      await Promise.all(steps);
    },
  };
}
