import { breakGlassChannel } from '../../services/requests/break-glass.ts';
import { markBreakGlassAnnounced } from '../../services/requests/store/announcement-marks.ts';
import { breakGlassAnnouncement } from '../../slack/blocks/card-break-glass.ts';
import { CardNotPostedError, loadRequestUnlessSkipped } from '../guards.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { callSlack, unlessPermanent } from '../slack-errors.ts';
import { type TRequestRef, ZRequestRef } from './payloads.ts';

/**
 * Break-glass: the loud announcement of a request its requester approved themselves, in the rule's
 * break-glass channel (else the card's), once (`break_glass_announced_at`). It links the card, so it
 * waits for the card to be posted — unless the card failed for good, when it goes out without a link.
 */
export const announceBreakGlass = defineJob<TRequestRef, JobDeps>({
  name: 'break-glass.announce',
  queue: QUEUES.notify,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, (r) =>
      r.breakGlassReason === null ? 'no break-glass' : r.breakGlassAnnouncedAt !== null ? 'announced' : null,
    );
    if (request === null) return;
    if (request.messageTs === null && request.slackError === null) throw new CardNotPostedError(requestId);
    const done = async () => {
      await markBreakGlassAnnounced(deps.db, requestId, deps.now());
    };
    const channel = breakGlassChannel(request);
    await unlessPermanent(
      () => callSlack(job, token, () => deps.slack.chat.postMessage({ channel, ...breakGlassAnnouncement(request) })),
      done,
    );
    await done();
  },
});
