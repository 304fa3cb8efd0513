import { decisionSummary } from '../../slack/blocks/card.ts';
import { cardGuard, loadForJob, postedTs } from '../guards.ts';
import { markNotified } from '../notified.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { callSlack, unlessPermanent } from '../slack-errors.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';

/** Replies in the card's thread with the decision, once (`threadRepliedAt` records it). */
export const threadReply = defineJob<TRequestRef, JobDeps>({
  name: 'card.thread-reply',
  queue: QUEUES.notify,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId }, deps, job, token) {
    const request = await loadForJob(
      deps,
      requestId,
      (r) =>
        cardGuard(r) ?? (r.status === 'pending' ? 'undecided' : r.threadRepliedAt !== null ? 'already replied' : null),
    );
    if (request === null) return;
    const ts = postedTs(request);
    const done = () => markNotified(deps, requestId, 'threadRepliedAt');
    await unlessPermanent(
      () =>
        callSlack(job, token, () =>
          deps.slack.chat.postMessage({ channel: request.channelId, thread_ts: ts, text: decisionSummary(request) }),
        ),
      done,
    );
    await done();
  },
});
