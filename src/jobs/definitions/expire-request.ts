import { expireDue } from '../../services/requests/expire.ts';
import { getRequestClocks } from '../../services/requests/store/reads.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob, delayUntil } from '../runtime.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';

/** A request's deadline: expires it, and everything else due with it. */
export const expireRequest = defineJob<TRequestRef, JobDeps>({
  name: 'request.expire',
  queue: QUEUES.timers,
  schema: ZRequestRef,
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId }, deps, job, token) {
    const state = () => getRequestClocks(deps.db, requestId);
    let request = await state();
    if (request?.status !== 'pending') return; // decided, or swept by another timer: nothing to do
    if (request.expiresAt.getTime() > deps.now().getTime() && token !== undefined) {
      // The timer fired before the deadline (clocks differ, or the deadline moved): wait for it.
      await delayUntil(job, token, request.expiresAt.getTime());
    }
    // Expire everything due, not just this request: a burst of deadlines costs a few statements.
    await expireDue(deps);
    request = await state();
    // Still pending: another transaction holds the row (deciding or expiring it); look again on retry.
    if (request?.status === 'pending') throw new Error(`request ${requestId} is due but was locked; retrying`);
  },
});
