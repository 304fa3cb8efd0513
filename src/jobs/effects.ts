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
      await Promise.all([
        guarded('card.post', request, () =>
          deps.jobs.enqueue(postCard, { requestId: request.id }, { jobId: `card-post-${request.id}` }),
        ),
        guarded('expiry', request, () => scheduleExpiry(deps, request, { fresh: true })),
        guarded('publish', request, () => deps.events.publish(request.id)),
      ]);
    },
    async requestChanged(request) {
      const steps: Array<Promise<void>> = [
        guarded('card.update', request, () =>
          deps.jobs.enqueue(
            updateCard,
            { requestId: request.id },
            { jobId: `card-update-${request.id}-v${request.version}` },
          ),
        ),
        guarded('publish', request, () => deps.events.publish(request.id)),
      ];
      if (request.status !== 'pending') {
        const suffix = `${request.id}-${request.status}`;
        steps.push(
          guarded('thread-reply', request, () =>
            deps.jobs.enqueue(threadReply, { requestId: request.id }, { jobId: `thread-${suffix}` }),
          ),
          guarded('dm', request, () =>
            deps.jobs.enqueue(sendDm, { requestId: request.id, kind: 'outcome' }, { jobId: `dm-${suffix}` }),
          ),
        );
        if (request.status !== 'expired') {
          steps.push(
            guarded('unschedule', request, () => deps.jobs.queue(QUEUES.timers).remove(`expire-${request.id}`)),
          );
        }
      }
      await Promise.all(steps);
    },
  };
}
