import type { z } from 'zod';
import {
  CALLBACK_ATTEMPTS,
  type DeliveryOutcome,
  type RetriedAttempt,
  retryDelayMs,
} from '../services/callbacks/schedule.ts';
import { type JobDeps, QUEUES } from './queues.ts';
import { defineJob, type JobDefinition } from './runtime.ts';

/** Thrown to have BullMQ retry a delivery its receiver did not accept. */
class DeliveryNotAcceptedError extends Error {
  constructor(what: string, why: string) {
    super(`${what} not accepted: ${why}`);
    this.name = 'DeliveryNotAcceptedError';
  }
}

/** What differs between two retried deliveries: the job's name and payload, and the service doing one attempt. */
export interface RetriedDelivery<TPayload> {
  name: string;
  /** Ids only: whatever the attempt sends (body, URL, token, secret) is read or minted at each attempt. */
  schema: z.ZodType<TPayload>;
  /** What is delivered, for the retry's error: `callback approved of <id>`. */
  describe(payload: TPayload): string;
  /** One attempt; not done means the receiver did not take it and the job is retried. */
  deliver(deps: JobDeps, payload: TPayload, attempt: RetriedAttempt): Promise<DeliveryOutcome>;
}

/**
 * A delivery retried until its receiver accepts it (signed callbacks, Terraform run task results,
 * GitHub reports): on the callbacks queue, so a slow receiver holds callback slots and never a card,
 * with the callbacks' doubling, capped, jittered wait for at least 24 h (services/callbacks/schedule.ts).
 * Each attempt learns its number and whether it is the last, so the service can record a final failure.
 */
export function defineRetriedDelivery<TPayload>(delivery: RetriedDelivery<TPayload>): JobDefinition<TPayload, JobDeps> {
  return defineJob<TPayload, JobDeps>({
    name: delivery.name,
    queue: QUEUES.callbacks,
    schema: delivery.schema,
    attempts: CALLBACK_ATTEMPTS,
    backoff: { type: 'custom', delayMs: (failed, deps) => retryDelayMs(failed, deps.callbackTiming) },
    async handle(payload, deps, job) {
      const attempt = job.attemptsMade + 1;
      const last = attempt >= (job.opts.attempts ?? CALLBACK_ATTEMPTS);
      const outcome = await delivery.deliver(deps, payload, { attempt, last });
      if (!outcome.done) throw new DeliveryNotAcceptedError(delivery.describe(payload), outcome.why);
    },
  });
}
