import type { JobDeps } from './queues.ts';
import type { JobDefinition } from './runtime.ts';

/**
 * Enqueues a job unless one with its id is still waiting, delayed or running; a finished or failed one
 * is replaced. (A plain enqueue with an id whose failed job BullMQ still keeps is silently dropped.)
 * Returns whether it enqueued.
 */
export async function requeue<T>(
  deps: Pick<JobDeps, 'jobs'>,
  definition: JobDefinition<T, JobDeps>,
  payload: T,
  jobId: string,
): Promise<boolean> {
  const job = await deps.jobs.queue(definition.queue).getJob(jobId);
  if (job !== undefined) {
    const state = await job.getState();
    if (state !== 'failed' && state !== 'completed') return false;
    await job.remove();
  }
  await deps.jobs.enqueue(definition, payload, { jobId });
  return true;
}
