import { sendCard } from '../cards.ts';
import { cardGuard, loadForJob } from '../guards.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';
import { sendDm } from './send-dm.ts';
import { updateCard } from './update-card.ts';

/** Posts the request's card in its channel, once; then confirms to a Slack requester by DM. */
export const postCard = defineJob<TRequestRef, JobDeps>({
  name: 'card.post',
  queue: QUEUES.cards,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId }, deps, job, token) {
    const request = await loadForJob(deps, requestId, (r) => cardGuard(r) ?? (r.messageTs === null ? null : 'posted'));
    if (request === null) return;
    const posted = await sendCard(deps, job, token, request, 'card.post', (card) =>
      deps.slack.chat.postMessage({ channel: request.channelId, text: card.text, blocks: card.blocks }),
    );
    const ts = posted.ts as string;
    await deps.db.approvalRequest.updateMany({
      where: { id: requestId, messageTs: null },
      data: { messageTs: ts, cardVersion: request.version },
    });
    // A person who asked in Slack gets a confirmation with a link; a service has its API response.
    if (request.source === 'slack') {
      await deps.jobs.enqueue(sendDm, { requestId, kind: 'submitted' }, { jobId: JOB_IDS.dm(requestId, 'submitted') });
    }
    // Decided while the card was being posted: the card must show the newer state.
    const current = await deps.db.approvalRequest.findUnique({ where: { id: requestId }, select: { version: true } });
    if (current !== null && current.version !== request.version) {
      await deps.jobs.enqueue(updateCard, { requestId }, { jobId: JOB_IDS.updateCard(requestId, current.version) });
    }
  },
});
