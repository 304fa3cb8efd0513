import { type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { isSlackRequester } from '../../domain/requester.ts';
import { getRequestVersion, recordCardPosted } from '../../services/requests/store/card-posts.ts';
import { markNotice } from '../../services/requests/store/marks.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { inCardTurn } from '../card-turns.ts';
import { cardMetadata, findPostedCards, sendCard } from '../cards.ts';
import { cardGuard, loadRequestUnlessSkipped } from '../guards.ts';
import { JOB_IDS } from '../job-ids.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { requeue } from '../requeue.ts';
import { defineJob } from '../runtime.ts';
import { callSlack } from '../slack-errors.ts';
import { sendDm, writeToRequester } from './send-dm.ts';
import { updateCard } from './update-card.ts';

/**
 * The card job's payload: the request, and `recheck` when the reconciler queues it again for a
 * request that has no card recorded — an attempt of a job it replaces may have posted one.
 */
const ZPostCard = z.object({ requestId: z.string().uuid(), recheck: z.literal(true).optional() }).strict();
type TPostCard = z.infer<typeof ZPostCard>;

/**
 * Posts the request's card in its channel, once; then confirms by DM to the requester, whether they
 * asked in Slack or a service (an API client, GitHub, Terraform) named them.
 *
 * Posting is made idempotent here: only the first attempt of the job queued with the request posts
 * blind. Any later start (a retry, a job BullMQ found stalled and restarted, each counted in
 * `attemptsStarted`) and any job the reconciler queued again (`recheck`) first looks for a card an
 * earlier attempt posted but never heard back about, and adopts it instead of posting again. This
 * costs no statement: BullMQ already counts the starts of each job, in the same script that starts it.
 */
export const postCard = defineJob<TPostCard, JobDeps>({
  name: 'card.post',
  queue: QUEUES.cards,
  schema: ZPostCard,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  handle({ requestId, recheck }, deps, job, token) {
    const first = job.attemptsStarted <= 1 && recheck !== true;
    return inCardTurn(deps, requestId, () => postOnce(deps, job, token, requestId, first));
  },
});

async function postOnce(
  deps: JobDeps,
  job: Job,
  token: string | undefined,
  requestId: string,
  first: boolean,
): Promise<void> {
  const request = await loadRequestUnlessSkipped(
    deps,
    requestId,
    (r) => cardGuard(r) ?? (r.messageTs === null ? null : 'posted'),
  );
  if (request === null) return;
  const earlier = first ? [] : await findPostedCards(deps, job, token, request);
  let ts = earlier[0];
  if (ts === undefined) {
    const posted = await sendCard(deps, job, token, request, 'card.post', (card) =>
      deps.slack.chat.postMessage({
        channel: request.channelId,
        text: card.text,
        blocks: card.blocks,
        metadata: cardMetadata(request),
      }),
    ).catch(async (error: unknown) => {
      // Refused for good (recorded by sendCard): a request decided at once still owes its outcome DM,
      // which its follow-up job sends (it owes no card and no thread reply once the card failed).
      if (error instanceof UnrecoverableError) await queueFollowUp(deps, request);
      throw error;
    });
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
  const recorded = await recordCardPosted(deps.db, requestId, ts, adopted ? null : request.version);
  // The requester gets a confirmation with a link: the person who asked in Slack, or the one an API
  // client or integration named (told the service acted in their name; an unlinked GitHub login has
  // no Slack user, and send-dm settles that DM unsent). The service itself has its API response.
  // Its link points at the card just recorded.
  if (recorded !== null) {
    await confirmToRequester(deps, { ...request, messageTs: ts });
    await tellOutcomeInPassing(deps, { ...request, messageTs: ts });
  }
  // Decided while the card was being posted, or adopted: the card must show the row as it is now.
  const current = recorded ?? (await getRequestVersion(deps.db, requestId));
  if (current !== null && (adopted || current.version !== request.version)) {
    // Replaces a failed job of the same id (e.g. one that gave up waiting for this post): a plain
    // enqueue would be dropped, and an adopted card would keep whatever it showed.
    await requeue(deps, updateCard, { requestId }, JOB_IDS.updateCard(requestId, current.version));
  }
}

/**
 * The requester's confirmation, written in passing while this job holds the row: a job of its own
 * would cost three queue scripts and a row read more. Slack refusing or failing it here queues
 * that job (send-dm.ts), which retries with backoff and waits out rate limits.
 */
async function confirmToRequester(deps: JobDeps, request: RequestRow): Promise<void> {
  // An unlinked GitHub requester has no Slack user to write to (send-dm settles it unsent).
  if (!isSlackRequester(request.requesterSlackId)) return;
  try {
    await writeToRequester(deps, request, 'submitted', (call) => call());
  } catch (error) {
    deps.logger.debug({ err: error, requestId: request.id }, 'confirmation DM failed in passing; queued');
    const requestId = request.id;
    await deps.jobs.enqueue(sendDm, { requestId, kind: 'submitted' }, { jobId: JOB_IDS.dm(requestId, 'submitted') });
  }
}

/**
 * A request a rule decided at once: the requester's outcome DM, written in passing while this job holds
 * the row and the card turn (the card shows the outcome, so no thread reply is owed) — a job of its own
 * cost four queue scripts and a row read more. Slack refusing or failing it here queues the request's
 * follow-up job (update-card.ts), which sends what the row still owes, with retries.
 */
async function tellOutcomeInPassing(deps: JobDeps, request: RequestRow): Promise<void> {
  if (request.status === 'pending' || request.outcomeDmAt !== null) return;
  try {
    // An unlinked GitHub requester has no Slack user to write to: the DM is settled unsent.
    if (isSlackRequester(request.requesterSlackId)) await writeToRequester(deps, request, 'outcome', (call) => call());
  } catch (error) {
    deps.logger.debug({ err: error, requestId: request.id }, 'outcome DM failed in passing; queued');
    await queueFollowUp(deps, request);
    return;
  }
  await markNotice(deps.db, request.id, 'outcomeDmAt', deps.now());
}

/** Queues the follow-up job of a request decided at once that still owes its outcome DM. */
async function queueFollowUp(deps: JobDeps, request: RequestRow): Promise<void> {
  if (request.status === 'pending' || request.outcomeDmAt !== null) return;
  await requeue(deps, updateCard, { requestId: request.id }, JOB_IDS.updateCard(request.id, request.version));
}
