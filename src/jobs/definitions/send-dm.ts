import { z } from 'zod';
import { type DmKind, dmText } from '../../slack/blocks/notifications.ts';
import { loadForJob } from '../guards.ts';
import { markNotified } from '../notified.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { callSlack, unlessPermanent } from '../slack-errors.ts';

const ZDm = z
  .object({ requestId: z.string().uuid(), kind: z.enum(['submitted', 'outcome', 'card_failed'] satisfies DmKind[]) })
  .strict();

/** A DM to the requester; the outcome DM is sent once (`outcomeDmAt` records it). */
export const sendDm = defineJob<z.infer<typeof ZDm>, JobDeps>({
  name: 'slack.dm',
  queue: QUEUES.notify,
  schema: ZDm,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId, kind }, deps, job, token) {
    const outcome = kind === 'outcome';
    const request = await loadForJob(deps, requestId, (r) => (outcome && r.outcomeDmAt !== null ? 'sent' : null));
    if (request === null) return;
    const done = async () => {
      if (outcome) await markNotified(deps, requestId, 'outcomeDmAt');
    };
    await unlessPermanent(async () => {
      const user = request.requesterSlackId;
      let channel = deps.caches.dmChannels.get(user);
      if (channel === undefined) {
        const opened = await callSlack(job, token, () => deps.slack.conversations.open({ users: user }));
        channel = opened.channel?.id as string;
        deps.caches.dmChannels.set(user, channel);
      }
      const to = channel;
      await callSlack(job, token, () => deps.slack.chat.postMessage({ channel: to, text: dmText(request, kind) }));
    }, done);
    await done();
  },
});
