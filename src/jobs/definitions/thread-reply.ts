import { isGrantEnd } from '../../domain/request-status.ts';
import { decisionSummary } from '../../slack/blocks/card.ts';
import { grantStatusLine } from '../../slack/blocks/kit/grant.ts';
import { cardGuard, loadForJob, postedTs } from '../guards.ts';
import { markNotified, NOTICE_GUARDS, waitForDecisionNotice } from '../notified.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { replyInThreadOnce } from '../slack-errors.ts';
import { type TThreadReply, ZThreadReply } from './payloads.ts';

/**
 * Replies in the card's thread with one outcome notice, once: the decision (`threadRepliedAt`), or
 * after an approval how the grant ended (`grantEndRepliedAt`) — the latter only once the decision
 * reply is out, so the thread reads in order.
 */
export const threadReply = defineJob<TThreadReply, JobDeps>({
  name: 'card.thread-reply',
  queue: QUEUES.notify,
  schema: ZThreadReply,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId, stage }, deps, job, token) {
    const guard = NOTICE_GUARDS.thread[stage];
    const request = await loadForJob(
      deps,
      requestId,
      (r) =>
        cardGuard(r) ??
        (r.status === 'pending'
          ? 'undecided'
          : stage === 'grant_end' && !isGrantEnd(r.status)
            ? 'grant not ended'
            : r[guard] !== null
              ? 'already replied'
              : null),
    );
    if (request === null) return;
    await waitForDecisionNotice(job, token, request, 'thread', stage);
    const ts = postedTs(request);
    const text = (stage === 'decision' ? null : grantStatusLine(request)) ?? decisionSummary(request);
    await replyInThreadOnce(deps.slack, job, token, { channel: request.channelId, ts, text }, () =>
      markNotified(deps, requestId, guard),
    );
  },
});
