import { type Job, UnrecoverableError } from 'bullmq';
import { isSlackRequester } from '../../domain/requester.ts';
import { type FollowUpMarks, markFollowUp } from '../../services/requests/store/marks.ts';
import { getRequest, type RequestRow } from '../../services/requests/store/reads.ts';
import { decisionSummary } from '../../slack/blocks/card.ts';
import { grantStatusLine } from '../../slack/blocks/kit/grant.ts';
import { inCardTurn } from '../card-turns.ts';
import { sendCard } from '../cards.ts';
import type { SlackCaller } from '../direct-message.ts';
import { CardNotPostedError } from '../guards.ts';
import { type DueNotice, dueNotices } from '../notices.ts';
import { NOTICE_GUARDS } from '../notified.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { callSlack, PermanentSlackError } from '../slack-errors.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';
import { writeToRequester } from './send-dm.ts';

/**
 * A request's follow-up after a change (one job per request and version): the card re-rendered from
 * the row as it is now, and every outcome notice the row owes — the reply in the card's thread and
 * the requester's DM, the decision's and then the grant end's. One row read, the Slack calls, one
 * UPDATE for every mark (`markFollowUp`, store/marks.ts); it was three jobs (card update, thread reply,
 * DM), each reading the row and writing its own mark.
 */
export const updateCard = defineJob<TRequestRef, JobDeps>({
  name: 'card.update',
  queue: QUEUES.cards,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  handle({ requestId }, deps, job, token) {
    // The whole follow-up runs in the request's card turn (card-turns.ts): two versions' jobs never
    // run at once, so each reads the marks the one before it wrote and no notice goes out twice.
    return inCardTurn(deps, requestId, () => followUp(deps, job, token, requestId));
  },
});

const cardBehind = (r: RequestRow) => r.slackError === null && (r.cardVersion === null || r.cardVersion < r.version);

/**
 * One follow-up, in the card turn. Each Slack call is made once: its mark is collected when Slack
 * answered (or refused for good — a notice given up on), and the marks are written in one statement
 * before the job ends, whether it ends well or to be retried, so a retry sends only what is still
 * owed. Under a burst of votes, one job per version is queued; the first to run renders the newest
 * row, and the rest find nothing owed and end after the read.
 */
async function followUp(deps: JobDeps, job: Job, token: string | undefined, requestId: string): Promise<void> {
  const request = await getRequest(deps.db, requestId);
  if (request === null) return;
  const notices = dueNotices(request);
  if (!cardBehind(request) && notices.length === 0) return;
  const marks: FollowUpMarks = { cardVersion: null, notices: [] };
  const ts = request.messageTs;
  let cardFailed: UnrecoverableError | null = null;
  try {
    if (ts !== null && cardBehind(request)) {
      try {
        await sendCard(deps, job, token, request, 'card.update', (card) =>
          deps.slack.chat.update({ channel: request.channelId, ts, text: card.text, blocks: card.blocks }),
        );
        marks.cardVersion = request.version;
      } catch (error) {
        // Recorded on the row (sendCard); the requester's DMs are still owed, the thread replies no more.
        if (!(error instanceof UnrecoverableError)) throw error;
        cardFailed = error;
      }
    }
    for (const notice of notices) {
      if (notice.place === 'thread' && (ts === null || cardFailed !== null)) continue;
      await settleOnce(deps, marks, notice, () =>
        notice.place === 'thread'
          ? replyInThread(deps, job, token, request, notice, ts as string)
          : dmRequester(deps, job, token, request, notice),
      );
    }
  } finally {
    await markFollowUp(deps.db, requestId, marks, deps.now());
  }
  if (cardFailed !== null) throw cardFailed;
  // The card post is still queued (or retrying): the card and its replies wait for it.
  if (ts === null && (cardBehind(request) || notices.some((n) => n.place === 'thread'))) {
    throw new CardNotPostedError(requestId);
  }
}

/**
 * Sends one notice and collects its mark; a permanent Slack error gives it up (marked too, so it is
 * never retried). Any other error propagates: the job retries, and the marks collected so far are kept.
 */
async function settleOnce(deps: JobDeps, marks: FollowUpMarks, notice: DueNotice, send: () => Promise<void>) {
  try {
    await send();
  } catch (error) {
    if (!(error instanceof PermanentSlackError)) throw error;
    deps.logger.warn({ requestId: notice.requestId, notice, error: error.code }, 'outcome notice given up');
  }
  marks.notices.push(NOTICE_GUARDS[notice.place][notice.stage]);
}

async function replyInThread(
  deps: JobDeps,
  job: Job,
  token: string | undefined,
  request: RequestRow,
  notice: DueNotice,
  ts: string,
): Promise<void> {
  const text = (notice.stage === 'decision' ? null : grantStatusLine(request)) ?? decisionSummary(request);
  await callSlack(job, token, () => deps.slack.chat.postMessage({ channel: request.channelId, thread_ts: ts, text }));
}

async function dmRequester(
  deps: JobDeps,
  job: Job,
  token: string | undefined,
  request: RequestRow,
  notice: DueNotice,
): Promise<void> {
  // An unlinked GitHub requester has no Slack user to write to: the DM is settled unsent.
  if (!isSlackRequester(request.requesterSlackId)) return;
  const call: SlackCaller = (slackCall) => callSlack(job, token, slackCall);
  await writeToRequester(deps, request, notice.stage === 'decision' ? 'outcome' : 'grant_ended', call);
}
