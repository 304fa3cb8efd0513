import type { Job } from 'bullmq';
import { recordAudit } from '../services/audit/audit.ts';
import type { RequestRow } from '../services/requests/store.ts';
import { buildCard } from '../slack/blocks/card.ts';
import { sendDm } from './definitions/send-dm.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import { callSlack, unlessPermanent } from './slack-errors.ts';

/** Records a permanent Slack failure on the request, audits it, and tells the requester. */
async function recordCardFailure(deps: JobDeps, request: RequestRow, code: string, step: string): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    await tx.approvalRequest.updateMany({ where: { id: request.id }, data: { slackError: code } });
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
