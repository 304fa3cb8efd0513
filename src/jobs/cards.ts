import type { Job } from 'bullmq';
import { recordAudit } from '../services/audit/audit.ts';
import { markCardFailed } from '../services/requests/store/marks.ts';
import type { RequestRow } from '../services/requests/store/reads.ts';
import { buildCard } from '../slack/blocks/card.ts';
import { sendDm } from './definitions/send-dm.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import { callSlack, unlessPermanent } from './slack-errors.ts';

/** Records a permanent Slack failure on the request, audits it, and tells the requester. */
async function recordCardFailure(deps: JobDeps, request: RequestRow, code: string, step: string): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    await markCardFailed(tx, request.id, code);
    await recordAudit(tx, {
      requestId: request.id,
      type: 'slack.delivery_failed',
      actor: { type: 'system' },
      details: { step, error: code, channel: request.channelId },
    });
  });
  await deps.jobs.enqueue(
    sendDm,
    { requestId: request.id, kind: 'card_failed' },
    { jobId: JOB_IDS.dm(request.id, 'card_failed') },
  );
}

/**
 * Renders the request's card and hands it to Slack (`send` posts or updates it); a permanent Slack
 * error is recorded on the request and fails the job for good.
 */
export function sendCard<T>(
  deps: JobDeps,
  job: Job,
  token: string | undefined,
  request: RequestRow,
  step: 'card.post' | 'card.update',
  send: (card: ReturnType<typeof buildCard>) => Promise<T>,
): Promise<T> {
  const card = buildCard(request);
  return unlessPermanent(
    () => callSlack(job, token, () => send(card)),
    (code) => recordCardFailure(deps, request, code, step),
  );
}

/** The Slack message metadata every card carries, so a card can be found again by its request. */
export const CARD_EVENT_TYPE = 'greenlight_card';

export function cardMetadata(request: Pick<RequestRow, 'id'>) {
  return { event_type: CARD_EVENT_TYPE, event_payload: { request_id: request.id } };
}

/** How far before the request's creation to look (clocks differ), and how many messages at most. */
const HISTORY_SLACK_S = 120;
const HISTORY_PAGES = 5;

/**
 * The timestamps of cards already posted for this request in its channel, oldest first: found by
 * the metadata each card carries, in the channel's history since the request was created. An
 * attempt whose post reached Slack but whose answer was lost leaves exactly such a card.
 */
export async function findPostedCards(
  deps: Pick<JobDeps, 'slack'>,
  job: Job,
  token: string | undefined,
  request: Pick<RequestRow, 'id' | 'channelId' | 'createdAt'>,
): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page += 1) {
    const history = await callSlack(job, token, () =>
      deps.slack.conversations.history({
        channel: request.channelId,
        oldest: String(Math.floor(request.createdAt.getTime() / 1000) - HISTORY_SLACK_S),
        include_all_metadata: true,
        limit: 200,
        ...(cursor === undefined ? {} : { cursor }),
      }),
    );
    for (const message of history.messages ?? []) {
      const metadata = message.metadata as
        | { event_type?: string; event_payload?: { request_id?: unknown } }
        | undefined;
      if (
        metadata?.event_type === CARD_EVENT_TYPE &&
        metadata.event_payload?.request_id === request.id &&
        message.ts !== undefined
      ) {
        found.push(message.ts);
      }
    }
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || cursor === undefined) return found.sort((a, b) => Number(a) - Number(b));
  }
  // Newest first: the unread pages hold the oldest messages, where a lost card would be. Posting now
  // could duplicate it; retrying later cannot make the channel quieter, but never posts blind.
  throw new Error(`more than ${HISTORY_PAGES * 200} messages since request ${request.id}; not posting blind`);
}
