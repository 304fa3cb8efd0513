import type { Job } from 'bullmq';
import { inCardTurn } from '../card-turns.ts';
import { cardMetadata, findPostedCards, sendCard } from '../cards.ts';
import { cardGuard, loadForJob } from '../guards.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { requeue } from '../requeue.ts';
import { defineJob } from '../runtime.ts';
import { callSlack } from '../slack-errors.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';
import { sendDm } from './send-dm.ts';
import { updateCard } from './update-card.ts';

/**
 * Posts the request's card in its channel, once; then confirms by DM to the requester, whether they
 * asked in Slack or a service (an API client, GitHub, Terraform) named them.
 *
 * Posting is made idempotent here: the first attempt ever is marked in the row before it posts, and
 * any later attempt (a retry, a re-queue by the reconciler, another instance) first looks for a card
 * an earlier attempt posted but never heard back about, and adopts it instead of posting again.
 */
export const postCard = defineJob<TRequestRef, JobDeps>({
  name: 'card.post',
  queue: QUEUES.cards,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  handle({ requestId }, deps, job, token) {
    return inCardTurn(deps, requestId, () => postOnce(deps, job, token, requestId));
  },
});

async function postOnce(deps: JobDeps, job: Job, token: string | undefined, requestId: string): Promise<void> {
  const request = await loadForJob(deps, requestId, (r) => cardGuard(r) ?? (r.messageTs === null ? null : 'posted'));
  if (request === null) return;
  const { count: first } = await deps.db.approvalRequest.updateMany({
    where: { id: requestId, cardPostStartedAt: null },
    data: { cardPostStartedAt: deps.now() },
  });
  const earlier = first === 1 ? [] : await findPostedCards(deps, job, token, request);
  let ts = earlier[0];
  if (ts === undefined) {
    const posted = await sendCard(deps, job, token, request, 'card.post', (card) =>
      deps.slack.chat.postMessage({
        channel: request.channelId,
        text: card.text,
        blocks: card.blocks,
        metadata: cardMetadata(request),
      }),
    );
    ts = posted.ts as string;
  } else {
    // Extra copies (several lost answers before this fix could find them) would keep live buttons.
    for (const extra of earlier.slice(1)) {
      await callSlack(job, token, () => deps.slack.chat.delete({ channel: request.channelId, ts: extra }));
    }
  }
  // An adopted card shows whatever version it was posted with: record none, so it is re-rendered.
  const adopted = earlier.length > 0;
  // Recording the card answers the request's version now, in the same round trip.
  const recorded = await deps.db.$queryRaw<Array<{ version: number }>>`
      UPDATE approval_requests SET message_ts = ${ts}, card_version = ${adopted ? null : request.version}::int
       WHERE id = ${requestId}::uuid AND message_ts IS NULL
      RETURNING version`;
  // The requester gets a confirmation with a link: the person who asked in Slack, or the one an API
  // client or integration named (told the service acted in their name; an unlinked GitHub login has
  // no Slack user, and send-dm settles that DM unsent). The service itself has its API response.
  await deps.jobs.enqueue(sendDm, { requestId, kind: 'submitted' }, { jobId: JOB_IDS.dm(requestId, 'submitted') });
  // Decided while the card was being posted, or adopted: the card must show the row as it is now.
  const current =
    recorded[0] ?? (await deps.db.approvalRequest.findUnique({ where: { id: requestId }, select: { version: true } }));
  if (current !== null && (adopted || current.version !== request.version)) {
    // Replaces a failed job of the same id (e.g. one that gave up waiting for this post): a plain
    // enqueue would be dropped, and an adopted card would keep whatever it showed.
    await requeue(deps, updateCard, { requestId }, JOB_IDS.updateCard(requestId, current.version));
  }
}
