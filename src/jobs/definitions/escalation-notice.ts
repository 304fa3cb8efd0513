import { z } from 'zod';
import { escalationsOf } from '../../services/requests/escalate.ts';
import { isNotified, markEscalationNotified } from '../../services/requests/escalation-notices.ts';
import { escalatedChannelText, escalatedDmText } from '../../slack/blocks/timer-notices.ts';
import { sendDirectMessage } from '../direct-message.ts';
import { loadRequestUnlessSkipped } from '../guards.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { callSlack, unlessPermanent } from '../slack-errors.ts';

const ZEscalationNotice = z
  .object({
    requestId: z.string().uuid(),
    /** The level that fired (1 for the first). */
    level: z.number().int().min(1).max(100),
    /** The added approver to DM; null for the post in the level's channel. */
    userId: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,}$/)
      .nullable(),
  })
  .strict();

/**
 * One notice of an escalation level: a DM to a person it added, or the post in its channel. Its job
 * id (per level and person) keeps it single in Redis; the level's `notified` in PostgreSQL, written
 * once it went out (or Slack refused it for good), makes a repeat — a retry, or the reconciler's
 * re-queue after a Redis flush — send nothing. Skipped once the request is decided: nobody needs
 * asking any more.
 */
export const escalationNotice = defineJob<z.infer<typeof ZEscalationNotice>, JobDeps>({
  name: 'request.escalation-notice',
  queue: QUEUES.notify,
  schema: ZEscalationNotice,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId, level, userId }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, (r) => (r.status === 'pending' ? null : 'decided'));
    const record = escalationsOf(request?.escalations).find((r) => r.level === level);
    if (request === null || record === undefined || isNotified(record, userId)) return;
    const done = () => markEscalationNotified(deps, request, level, userId);
    await unlessPermanent(async () => {
      if (userId !== null) {
        await sendDirectMessage(deps, job, token, userId, escalatedDmText(request, record));
      } else if (record.channelId !== null) {
        const channel = record.channelId;
        const text = escalatedChannelText(request, record);
        await callSlack(job, token, () => deps.slack.chat.postMessage({ channel, text }));
      }
    }, done);
    await done();
  },
});
