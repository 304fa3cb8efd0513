import { z } from 'zod';
import { requestAwaitedApprovers } from '../../services/requests/stages.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { approverDmText } from '../../slack/blocks/approver-dm.ts';
import { ZSlackId } from '../../slack/payloads.ts';
import { sendDirectMessage } from '../direct-message.ts';
import { CardNotPostedError, loadRequestUnlessSkipped, type Skip } from '../guards.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { unlessPermanent } from '../slack-errors.ts';

export const ZApproverDm = z.object({ requestId: z.string().uuid(), userId: ZSlackId }).strict();
export type TApproverDm = z.infer<typeof ZApproverDm>;

/**
 * Tells one approver by DM that a request waits for them (APPROVER_DMS), linking to the card; its
 * job id (one per request and approver) makes it once. Skipped when the request was decided, the
 * user is no longer an approver, already voted, or (with stages) is not in the stage deciding now. Waits for the card to be posted, so the DM can
 * link to it; a card that failed for good leaves a link to its channel. A permanent Slack error
 * (user_not_found, cannot_dm_bot…) is logged and given up on: the card still asks them. Once an
 * available approver is told, those away or in Do Not Disturb wait their full delay from then.
 */
export const approverDm = defineJob<TApproverDm, JobDeps>({
  name: 'approver.dm',
  queue: QUEUES.notify,
  schema: ZApproverDm,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId, userId }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, (r): Skip | null => {
      if (r.status !== 'pending') return 'decided';
      if (!r.approverIds.includes(userId) || r.requesterSlackId === userId) return 'not an approver';
      if (r.votes.some((vote) => vote.voterId === userId)) return 'voted';
      // With stages, someone whose stage is not (or no longer) deciding is not asked now.
      return requestAwaitedApprovers(r).includes(userId) ? null : 'not their stage';
    });
    if (request === null) return;
    if (request.messageTs === null && request.slackError === null) throw new CardNotPostedError(requestId);
    await unlessPermanent(
      async () => {
        await sendDirectMessage(deps, job, token, userId, approverDmText(request));
        await holdLaterDmsAfterThisOne(deps, request, userId);
      },
      async (code) => {
        deps.logger.warn({ requestId, userId, error: code }, 'approver DM not sent; the card still asks them');
      },
    );
  },
});

/**
 * The README promises those away or in Do Not Disturb are told `UNAVAILABLE_NOTIFY_DELAY_SECONDS` after
 * the others, not after the request was made: a first DM that went out late (the card was still being
 * posted, Slack rate-limited it, a retry) moves their time on — never back — so the gap holds. The
 * notify-later job, when it fires before the time its row now says, waits for that time. A DM that
 * lands before notify-approvers has recorded the later ones finds no time to move; that record is made
 * a moment after the DMs are queued, so the gap is then short by that moment at most.
 */
async function holdLaterDmsAfterThisOne(deps: JobDeps, request: RequestRow, userId: string): Promise<void> {
  // A later DM itself moves nothing.
  if (request.notifyLaterIds.includes(userId)) return;
  const at = new Date(deps.now().getTime() + deps.config.UNAVAILABLE_NOTIFY_DELAY_SECONDS * 1000);
  await deps.db.approvalRequest.updateMany({
    where: { id: request.id, status: 'pending', notifiedLaterAt: null, notifyLaterAt: { lt: at } },
    data: { notifyLaterAt: at },
  });
}
