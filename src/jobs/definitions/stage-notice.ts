import { z } from 'zod';
import { requestStageProgress } from '../../services/requests/stages.ts';
import { markStageNoticed } from '../../services/requests/store/announcement-marks.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { stageStartedText } from '../../slack/blocks/card-stages.ts';
import { cardGuard, loadRequestUnlessSkipped, postedTs, type Skip } from '../guards.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { replyInThreadOnce } from '../slack-errors.ts';

const ZStageNotice = z.object({ requestId: z.string().uuid(), stage: z.number().int().min(1).max(20) }).strict();

/** Stage `stage`'s notice is owed only while the request is pending, that stage decides, and none went out. */
function stageSkip(request: RequestRow, stage: number): Skip | null {
  if (request.status !== 'pending') return 'decided';
  return request.currentStage !== stage || request.stageNoticed >= stage ? 'not due' : null;
}

/**
 * Multi-stage chains: when a stage reaches its quorum and the next one starts, a reply in the card's
 * thread mentions the new stage's approvers (Slack notifies each of them). Sent once per stage
 * (`stage_noticed`), and only while that stage is still the one deciding.
 */
export const stageNotice = defineJob<z.infer<typeof ZStageNotice>, JobDeps>({
  name: 'stage.notice',
  queue: QUEUES.notify,
  schema: ZStageNotice,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId, stage }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, (r) => cardGuard(r) ?? stageSkip(r, stage));
    if (request === null) return;
    const progress = requestStageProgress(request);
    if (progress === null) return;
    const ts = postedTs(request);
    const done = async () => {
      await markStageNoticed(deps.db, requestId, stage);
    };
    const text = stageStartedText(progress, stage, request.requesterSlackId);
    await replyInThreadOnce(deps.slack, job, token, { channel: request.channelId, ts, text }, done);
  },
});
