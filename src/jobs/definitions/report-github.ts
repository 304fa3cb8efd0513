import { z } from 'zod';
import { CALLBACK_ATTEMPTS, retryDelayMs } from '../../services/callbacks/schedule.ts';
import { reportToGithub } from '../../services/github/report.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';

const ZGithubReport = z.object({ requestId: z.string().uuid(), kind: z.enum(['waiting', 'decision']) }).strict();
export type TGithubReport = z.infer<typeof ZGithubReport>;

/** Thrown to have BullMQ retry a report GitHub did not take. */
class GithubReportError extends Error {
  constructor(input: TGithubReport, why: string) {
    super(`github ${input.kind} report of ${input.requestId} not taken: ${why}`);
    this.name = 'GithubReportError';
  }
}

/**
 * Reports a GitHub-gated request to GitHub (services/github/report.ts): where it waits, or its
 * decision. On the callbacks queue, retried like callbacks (doubling, capped, jittered, for at
 * least 24 h). The payload holds the request id only: the installation token is minted at each
 * attempt and never leaves the process.
 */
export const reportGithub = defineJob<TGithubReport, JobDeps>({
  name: 'github.report',
  queue: QUEUES.callbacks,
  schema: ZGithubReport,
  attempts: CALLBACK_ATTEMPTS,
  backoff: { type: 'custom', delayMs: (failed, deps) => retryDelayMs(failed, deps.callbackTiming) },
  async handle(input, deps, job) {
    const attempt = job.attemptsMade + 1;
    const outcome = await reportToGithub(deps, {
      ...input,
      attempt,
      last: attempt >= (job.opts.attempts ?? CALLBACK_ATTEMPTS),
    });
    if (!outcome.done) throw new GithubReportError(input, outcome.why);
  },
});

/** Queues a report under its deterministic id (a repeat is a no-op). */
export async function enqueueGithubReport(deps: Pick<JobDeps, 'jobs'>, input: TGithubReport): Promise<void> {
  await deps.jobs.enqueue(reportGithub, input, { jobId: JOB_IDS.githubReport(input.requestId, input.kind) });
}
