import type { Job } from 'bullmq';
import { markCardVersion } from '../../services/requests/store/marks.ts';
import { inCardTurn } from '../card-turns.ts';
import { sendCard } from '../cards.ts';
import { cardGuard, loadForJob, postedTs } from '../guards.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';

/** Re-renders the card from the row as it is now; the card version records what Slack shows. */
export const updateCard = defineJob<TRequestRef, JobDeps>({
  name: 'card.update',
  queue: QUEUES.cards,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  handle({ requestId }, deps, job, token) {
    return inCardTurn(deps, requestId, () => renderCard(deps, job, token, requestId));
  },
});

/**
 * One card update, run in the request's card turn (see card-turns.ts): load the row, send it, record
 * the version the card now shows.
 */
async function renderCard(deps: JobDeps, job: Job, token: string | undefined, requestId: string): Promise<void> {
  // Under a burst of votes, one job per version is queued; the first to run renders the newest row,
  // and the rest find the card already showing it and skip the Slack call.
  const request = await loadForJob(
    deps,
    requestId,
    (r) => cardGuard(r) ?? (r.cardVersion !== null && r.cardVersion >= r.version ? 'card up to date' : null),
  );
  if (request === null) return;
  // The card post is still queued (or retrying): wait for it, since it renders the row as it is then.
  const ts = postedTs(request);
  await sendCard(deps, job, token, request, 'card.update', (card) =>
    deps.slack.chat.update({ channel: request.channelId, ts, text: card.text, blocks: card.blocks }),
  );
  // Record what the card shows; never move it backwards if a newer update already landed.
  await markCardVersion(deps.db, requestId, request.version);
}
