import { lapseIfDue } from '../../services/requests/lapse.ts';
import { getRequestClocks } from '../../services/requests/store/reads.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob, delayUntil } from '../runtime.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';

/** The end of an approval's grant window: an approved grant nobody executed lapses. */
export const lapseGrant = defineJob<TRequestRef, JobDeps>({
  name: 'grant.lapse',
  queue: QUEUES.timers,
  schema: ZRequestRef,
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId }, deps, job, token) {
    const request = await getRequestClocks(deps.db, requestId);
    if (request?.status !== 'approved' || request.grantExpiresAt === null) return; // spent, revoked or gone
    if (request.grantExpiresAt.getTime() > deps.now().getTime() && token !== undefined) {
      // Fired early (clocks differ): wait for the window's end.
      await delayUntil(job, token, request.grantExpiresAt.getTime());
    }
    const after = await lapseIfDue(deps, requestId);
    if (after?.status === 'approved') throw new Error(`grant of ${requestId} is due but did not lapse; retrying`);
  },
});
