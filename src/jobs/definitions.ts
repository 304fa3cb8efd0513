import { DelayedError, type Job } from 'bullmq';
import { z } from 'zod';
import { recordAudit } from '../services/audit.ts';
import type { CoreDeps } from '../services/deps.ts';
import type { RequestRow } from '../services/request-view.ts';
import { expireDue, getRequest } from '../services/requests.ts';
import { buildCard, outcomeText } from '../slack/blocks/card.ts';
import { slackDate } from '../slack/blocks/kit/date.ts';
import type { JobRuntime } from './runtime.ts';
import { defineJob } from './runtime.ts';
import { callSlack, unlessPermanent } from './slack-errors.ts';

/**
 * Cards (post, update) and notifications (thread replies, DMs) have their own queues and workers,
 * so a burst of notifications never delays the cards approvers look at.
 */
export const QUEUES = { timers: 'timers', cards: 'cards', notify: 'notify' } as const;

/** What job handlers get: the use-case dependencies plus the queues, to chain follow-up jobs. */
export interface JobDeps extends CoreDeps {
  jobs: JobRuntime<JobDeps>;
}

const ZRequestRef = z.object({ requestId: z.string().uuid() }).strict();

/** A link that opens the card in Slack. */
export function messageLink(channel: string, ts: string): string {
  return `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

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
    { jobId: `dm-${request.id}-card_failed` },
  );
}

/**
 * Renders the request's card and hands it to Slack (`send` posts or updates it); a permanent Slack
 * error is recorded on the request and fails the job for good.
 */
function sendCard<T>(
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

export const postCard = defineJob<z.infer<typeof ZRequestRef>, JobDeps>({
  name: 'card.post',
  queue: QUEUES.cards,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId }, deps, job, token) {
    const request = await getRequest(deps.db, requestId);
    if (request === null || request.messageTs !== null || request.slackError !== null) return;
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
      await deps.jobs.enqueue(sendDm, { requestId, kind: 'submitted' }, { jobId: `dm-${requestId}-submitted` });
    }
    // Decided while the card was being posted: the card must show the newer state.
    const current = await deps.db.approvalRequest.findUnique({ where: { id: requestId }, select: { version: true } });
    if (current !== null && current.version !== request.version) {
      await deps.jobs.enqueue(updateCard, { requestId }, { jobId: `card-update-${requestId}-v${current.version}` });
    }
  },
});

export const updateCard = defineJob<z.infer<typeof ZRequestRef>, JobDeps>({
  name: 'card.update',
  queue: QUEUES.cards,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId }, deps, job, token) {
    const request = await getRequest(deps.db, requestId);
    if (request === null || request.slackError !== null) return;
    // The card post is still queued (or retrying): wait for it, since it renders the row as it is then.
    if (request.messageTs === null) throw new Error('card not posted yet');
    await sendCard(deps, job, token, request, 'card.update', (card) =>
      deps.slack.chat.update({
        channel: request.channelId,
        ts: request.messageTs as string,
        text: card.text,
        blocks: card.blocks,
      }),
    );
    // Record what the card shows; never move it backwards if a newer update already landed.
    await deps.db.approvalRequest.updateMany({
      where: { id: requestId, OR: [{ cardVersion: null }, { cardVersion: { lt: request.version } }] },
      data: { cardVersion: request.version },
    });
  },
});

export const threadReply = defineJob<z.infer<typeof ZRequestRef>, JobDeps>({
  name: 'card.thread-reply',
  queue: QUEUES.notify,
  schema: ZRequestRef,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId }, deps, job, token) {
    const request = await getRequest(deps.db, requestId);
    if (request === null || request.status === 'pending' || request.slackError !== null) return;
    if (request.threadRepliedAt !== null) return; // already posted: a retry never posts twice
    if (request.messageTs === null) throw new Error('card not posted yet');
    const done = () => markNotified(deps, requestId, 'threadRepliedAt');
    await unlessPermanent(
      () =>
        callSlack(job, token, () =>
          deps.slack.chat.postMessage({
            channel: request.channelId,
            thread_ts: request.messageTs as string,
            text: outcomeText(request),
          }),
        ),
      done,
    );
    await done();
  },
});

const ZDm = z.object({ requestId: z.string().uuid(), kind: z.enum(['submitted', 'outcome', 'card_failed']) }).strict();

function dmText(request: RequestRow, kind: z.infer<typeof ZDm>['kind']): string {
  const what = `\`${request.action}\` on \`${request.resource}\``;
  switch (kind) {
    case 'submitted': {
      const link =
        request.messageTs === null
          ? `<#${request.channelId}>`
          : `<${messageLink(request.channelId, request.messageTs)}|the approval card>`;
      return `Your request for ${what} is waiting for approval: ${link}. It expires ${slackDate(request.expiresAt)}.`;
    }
    case 'card_failed':
      return `:warning: Your request for ${what} could not be shown to approvers in <#${request.channelId}> (Slack said \`${request.slackError}\`). Ask an admin to fix the approval channel; the request expires ${slackDate(request.expiresAt)} unless decided.`;
    case 'outcome':
      return `Your request for ${what}: ${outcomeText(request)}`;
  }
}

/** Records that an outcome notification went out (or was given up on), so nothing sends it again. */
async function markNotified(deps: JobDeps, requestId: string, field: 'threadRepliedAt' | 'outcomeDmAt'): Promise<void> {
  await deps.db.approvalRequest.updateMany({ where: { id: requestId, [field]: null }, data: { [field]: deps.now() } });
}

const DM_CACHE_MS = 60 * 60_000;
const dmChannels = new Map<string, { channel: string; at: number }>();

/** The bot's DM channel with a user; conversations.open answers the same id every time, so keep it an hour. */
async function dmChannel(user: string, open: () => Promise<{ channel?: { id?: string } }>): Promise<string> {
  const hit = dmChannels.get(user);
  if (hit !== undefined && Date.now() - hit.at < DM_CACHE_MS) return hit.channel;
  const opened = await open();
  const channel = opened.channel?.id as string;
  if (dmChannels.size >= 10_000) dmChannels.delete(dmChannels.keys().next().value as string);
  dmChannels.set(user, { channel, at: Date.now() });
  return channel;
}

export const sendDm = defineJob<z.infer<typeof ZDm>, JobDeps>({
  name: 'slack.dm',
  queue: QUEUES.notify,
  schema: ZDm,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId, kind }, deps, job, token) {
    const request = await getRequest(deps.db, requestId);
    if (request === null) return;
    const outcome = kind === 'outcome';
    if (outcome && request.outcomeDmAt !== null) return; // already sent: a retry never sends twice
    const done = async () => {
      if (outcome) await markNotified(deps, requestId, 'outcomeDmAt');
    };
    await unlessPermanent(async () => {
      const channel = await dmChannel(request.requesterSlackId, () =>
        callSlack(job, token, () => deps.slack.conversations.open({ users: request.requesterSlackId })),
      );
      await callSlack(job, token, () => deps.slack.chat.postMessage({ channel, text: dmText(request, kind) }));
    }, done);
    await done();
  },
});

export const expire = defineJob<z.infer<typeof ZRequestRef>, JobDeps>({
  name: 'request.expire',
  queue: QUEUES.timers,
  schema: ZRequestRef,
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ requestId }, deps, job, token) {
    const state = () =>
      deps.db.approvalRequest.findUnique({ where: { id: requestId }, select: { status: true, expiresAt: true } });
    let request = await state();
    if (request?.status !== 'pending') return; // decided, or swept by another timer: nothing to do
    if (request.expiresAt.getTime() > deps.now().getTime() && token !== undefined) {
      // The timer fired before the deadline (clocks differ, or the deadline moved): wait for it.
      await job.moveToDelayed(request.expiresAt.getTime(), token);
      throw new DelayedError();
    }
    // Expire everything due, not just this request: a burst of deadlines costs a few statements.
    await expireDue(deps);
    request = await state();
    // Still pending: another transaction holds the row (deciding or expiring it); look again on retry.
    if (request?.status === 'pending') throw new Error(`request ${requestId} is due but was locked; retrying`);
  },
});
