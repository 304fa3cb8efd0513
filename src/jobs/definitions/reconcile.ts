import { z } from 'zod';
import { type JobDeps, QUEUES } from '../queues.ts';
import { reconcileNow } from '../reconciler.ts';
import { defineJob } from '../runtime.ts';

/** The scheduled run of the reconciler (see jobs/reconciler.ts). */
export const reconcile = defineJob<Record<string, never>, JobDeps>({
  name: 'reconcile',
  queue: QUEUES.timers,
  schema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  attempts: 1,
  backoff: { type: 'fixed', delay: 1000 },
  async handle(_payload, deps) {
    await reconcileNow(deps);
  },
});
