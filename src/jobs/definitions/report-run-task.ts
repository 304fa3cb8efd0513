import { z } from 'zod';
import { CALLBACK_ATTEMPTS, retryDelayMs } from '../../services/callbacks/schedule.ts';
import { REPORT_PHASES, reportRunTask } from '../../services/terraform/report.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';

const ZReportRef = z.object({ requestId: z.string().uuid(), phase: z.enum(REPORT_PHASES) }).strict();

/** Thrown to have BullMQ retry a result HCP Terraform did not accept. */
class ResultNotAcceptedError extends Error {
  constructor(requestId: string, phase: string, why: string) {
    super(`terraform ${phase} result of ${requestId} not accepted: ${why}`);
    this.name = 'ResultNotAcceptedError';
  }
}

/**
 * A Terraform run task's result, PATCHed to HCP (services/terraform/report.ts does the work). On the
 * callbacks queue with the callbacks' retry schedule: a slow HCP holds callback slots, never a card.
 * The payload holds the id and phase only — the URL and the sealed token are read at each attempt.
 */
export const reportRunTaskJob = defineJob<z.infer<typeof ZReportRef>, JobDeps>({
  name: 'terraform.report',
  queue: QUEUES.callbacks,
  schema: ZReportRef,
  attempts: CALLBACK_ATTEMPTS,
  backoff: { type: 'custom', delayMs: (failed, deps) => retryDelayMs(failed, deps.callbackTiming) },
  async handle({ requestId, phase }, deps, job) {
    const attempt = job.attemptsMade + 1;
    const outcome = await reportRunTask(deps, {
      requestId,
      phase,
      attempt,
      last: attempt >= (job.opts.attempts ?? CALLBACK_ATTEMPTS),
    });
    if (!outcome.done) throw new ResultNotAcceptedError(requestId, phase, outcome.why);
  },
});
