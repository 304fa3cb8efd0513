import { markExpiryWarned } from '../../services/requests/store/marks.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { expiryWarningText } from '../../slack/blocks/timer-notices.ts';
import { sendDirectMessage } from '../direct-message.ts';
import { loadRequestUnlessSkipped, type Skip } from '../guards.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob, delayUntil } from '../runtime.ts';
import { unlessPermanent } from '../slack-errors.ts';
import { expiryWarningDue } from '../workflow-due.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';

/** The guard: nothing to do once no warning is due (decided, warned already). */
const noWarningDue = (request: RequestRow): Skip | null =>
  expiryWarningDue(request) === null ? 'no warning due' : null;

/**
 * Warns the requester by DM that their request is about to expire (at 80 % of its time to decide),
 * once: `expiry_warned_at`, set after the DM (or when Slack refuses it for good), makes a job
 * re-created after a Redis flush a no-op.
 */
export const warnExpiry = defineJob<TRequestRef, JobDeps>({
  name: 'request.warn-expiry',
  queue: QUEUES.timers,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, noWarningDue);
    if (request === null) return; // decided, or warned already
    const due = expiryWarningDue(request) as Date;
    if (due.getTime() > deps.now().getTime() && token !== undefined) {
      // Fired early (clocks differ, or the deadline moved later): wait for the warning's time.
      await delayUntil(job, token, due.getTime());
    }
    const mark = async () => {
      await markExpiryWarned(deps.db, requestId, deps.now());
    };
    await unlessPermanent(
      () => sendDirectMessage(deps, job, token, request.requesterSlackId, expiryWarningText(request)),
      mark,
    );
    await mark();
  },
});
