import { z } from 'zod';
import { deliverCallback } from '../../services/callbacks/deliver.ts';
import { CALLBACK_STATUSES, type CallbackStatus } from '../../services/callbacks/events.ts';
import { CALLBACK_ATTEMPTS, retryDelayMs } from '../../services/callbacks/schedule.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';

const ZCallbackRef = z.object({ requestId: z.string().uuid(), status: z.enum(CALLBACK_STATUSES) }).strict();

/** Thrown to have BullMQ retry a delivery the receiver did not accept. */
class CallbackNotAcceptedError extends Error {
  constructor(requestId: string, status: CallbackStatus, why: string) {
    super(`callback ${status} of ${requestId} not accepted: ${why}`);
    this.name = 'CallbackNotAcceptedError';
  }
}

/**
 * A signed callback reporting that a request reached `status` (services/callbacks/deliver.ts does
 * the work). Retried with a doubling, capped, jittered wait for at least 24 h (schedule.ts); the
 * payload holds ids only — the body and the secret are read from PostgreSQL at each attempt.
 */
export const deliverCallbackJob = defineJob<z.infer<typeof ZCallbackRef>, JobDeps>({
  name: 'callback.deliver',
  queue: QUEUES.callbacks,
  schema: ZCallbackRef,
  attempts: CALLBACK_ATTEMPTS,
  backoff: { type: 'custom', delayMs: (failed, deps) => retryDelayMs(failed, deps.callbackTiming) },
  async handle({ requestId, status }, deps, job) {
    const attempt = job.attemptsMade + 1;
    const outcome = await deliverCallback(deps, {
      requestId,
      status,
      attempt,
      last: attempt >= (job.opts.attempts ?? CALLBACK_ATTEMPTS),
    });
    if (!outcome.done) throw new CallbackNotAcceptedError(requestId, status, outcome.why);
  },
});
