import { markReminderSlot } from '../../services/requests/store/marks.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { reminderText, waitingApprovers } from '../../slack/blocks/timer-notices.ts';
import { cardGuard, loadRequestUnlessSkipped, postedTs, type Skip } from '../guards.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob, delayUntil } from '../runtime.ts';
import { replyInThreadOnce } from '../slack-errors.ts';
import { latestDueSlot, reminderDue } from '../workflow-due.ts';
import { type TTimerStep, ZTimerStep } from './payloads.ts';

/** Slot `step` is done once a reminder went out for it (or a later one), or nothing is due any more. */
function slotSkip(request: RequestRow, step: number): Skip | null {
  if (request.lastReminderSlot >= step) return 'reminded';
  return reminderDue(request, step) === null ? 'no reminder due' : null;
}

/**
 * Reminder slot `step` of a pending request: a reply in the card's thread mentioning the approvers
 * who have not voted, then the next slot's timer. Once per slot: the job id names the slot, and
 * `last_reminder_slot` (raised only, after the post) makes a job re-created after a Redis flush a
 * no-op. Slots missed while nothing ran (Redis lost, workers down) are covered by one reminder.
 */
export const remindApprovers = defineJob<TTimerStep, JobDeps>({
  name: 'request.remind',
  queue: QUEUES.timers,
  schema: ZTimerStep,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId, step }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, (r) => cardGuard(r) ?? slotSkip(r, step));
    if (request === null) return; // decided, reminded already, or nothing due any more
    const due = reminderDue(request, step) as Date;
    if (due.getTime() > deps.now().getTime() && token !== undefined) {
      // Fired early (clocks differ): wait for the slot.
      await delayUntil(job, token, due.getTime());
    }
    const ts = postedTs(request); // retried until the card is posted
    const slot = latestDueSlot(request, step, deps.now());
    const mark = async () => {
      await markReminderSlot(deps.db, requestId, slot);
    };
    const waiting = waitingApprovers(request);
    // A permanent Slack error gives this slot up (marked), and fails the job; the reconciler schedules the next.
    if (waiting.length > 0) {
      const text = reminderText(request, waiting);
      await replyInThreadOnce(deps.slack, job, token, { channel: request.channelId, ts, text }, mark);
    } else await mark();
    const next = reminderDue({ ...request, lastReminderSlot: slot }, slot + 1);
    if (next !== null) {
      await deps.jobs.enqueue(
        remindApprovers,
        { requestId, step: slot + 1 },
        { jobId: JOB_IDS.remind(requestId, slot + 1), delay: Math.max(0, next.getTime() - deps.now().getTime()) },
      );
    }
  },
});
