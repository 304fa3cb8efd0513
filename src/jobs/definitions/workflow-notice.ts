import { z } from 'zod';
import type { WorkflowNoticeKind } from '../../services/requests/workflow-notices.ts';
import { extensionDecidedDm, extensionThreadMessage } from '../../slack/blocks/extension-blocks.ts';
import {
  answerDmText,
  answerThreadText,
  questionDm,
  questionThreadText,
} from '../../slack/blocks/needs-info-notices.ts';
import { loadRequestUnlessSkipped, postedTs } from '../guards.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { callSlack, unlessPermanent } from '../slack-errors.ts';

const ZWorkflowNotice = z
  .object({
    kind: z.enum([
      'question_asked',
      'question_answered',
      'extension_requested',
      'extension_closed',
    ] satisfies WorkflowNoticeKind[]),
    requestId: z.string().uuid(),
    id: z.string().uuid(),
  })
  .strict();

/** Thrown to retry later: an extension's close waits for its thread reply (the message it updates). */
class NoticeNotReadyError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'NoticeNotReadyError';
  }
}

type Post = { channel: string; text: string; thread_ts?: string; blocks?: unknown[] };

/**
 * Posts one needs-info or extension notice (services/requests/workflow-notices.ts), each part once:
 * the part's column on the question or extension row records it went out — or was given up on after
 * a permanent Slack error — so a retry, a second instance or the reconciler never posts it twice.
 * A thread part waits (retries) until the card is posted; a request whose card failed for good
 * gets its DMs only.
 */
export const workflowNotice = defineJob<z.infer<typeof ZWorkflowNotice>, JobDeps>({
  name: 'workflow.notice',
  queue: QUEUES.notify,
  schema: ZWorkflowNotice,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  async handle({ kind, requestId, id }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, () => null);
    if (request === null) return;
    const dmChannel = async (user: string) => {
      const cached = deps.caches.dmChannels.get(user);
      if (cached !== undefined) return cached;
      const opened = await callSlack(job, token, () => deps.slack.conversations.open({ users: user }));
      const channel = opened.channel?.id as string;
      deps.caches.dmChannels.set(user, channel);
      return channel;
    };
    /** One part: skipped when done; on a permanent Slack error, marked done (given up) and not retried. */
    const part = async (done: boolean, send: () => Promise<unknown>, mark: () => Promise<unknown>) => {
      if (done) return;
      await unlessPermanent(send, async () => {
        await mark();
      });
      await mark();
    };
    const post = (message: Post) =>
      callSlack(job, token, () =>
        deps.slack.chat.postMessage(message as Parameters<typeof deps.slack.chat.postMessage>[0]),
      );
    const thread = () => ({ channel: request.channelId, thread_ts: postedTs(request) });
    const now = () => deps.now();
    const cardFailed = request.slackError !== null;

    if (kind === 'question_asked' || kind === 'question_answered') {
      const question = request.questions.find((q) => q.id === id);
      if (question === undefined) return;
      const mark = (field: 'askedThreadAt' | 'askedDmAt' | 'answeredThreadAt' | 'answeredDmAt') => () =>
        deps.db.requestQuestion.updateMany({ where: { id, [field]: null }, data: { [field]: now() } });
      // Asked: a DM to the requester and a thread reply; answered: a DM to the asker and a thread reply.
      const asked = kind === 'question_asked';
      if (!asked && question.answeredAt === null) return;
      const [dmField, threadField] = asked
        ? (['askedDmAt', 'askedThreadAt'] as const)
        : (['answeredDmAt', 'answeredThreadAt'] as const);
      const { to, ...dm } = asked
        ? { to: request.requesterSlackId, ...questionDm(request, question) }
        : { to: question.asker, text: answerDmText(request, question) };
      const threadText = asked ? questionThreadText(request, question) : answerThreadText(request, question);
      await part(
        question[dmField] !== null,
        async () => {
          const channel = await dmChannel(to);
          await post({ channel, ...dm });
        },
        mark(dmField),
      );
      await part(
        question[threadField] !== null || cardFailed,
        () => post({ ...thread(), text: threadText }),
        mark(threadField),
      );
      if (cardFailed) await mark(threadField)();
      return;
    }

    const extension = request.extensions.find((e) => e.id === id);
    if (extension === undefined) return;
    if (kind === 'extension_requested') {
      if (extension.requestedNoticeAt !== null) return;
      const markPosted = (ts: string | null) =>
        deps.db.grantExtension.updateMany({
          where: { id, requestedNoticeAt: null },
          data: { requestedNoticeAt: now(), ...(ts === null ? {} : { messageTs: ts }) },
        });
      if (cardFailed) {
        await markPosted(null);
        return;
      }
      const posted = await unlessPermanent(
        () => post({ ...thread(), ...extensionThreadMessage(request, extension) }),
        async () => {
          await markPosted(null);
        },
      );
      await markPosted((posted as { ts?: string }).ts ?? null);
      return;
    }
    // extension_closed: the thread reply shows the outcome (buttons gone); the requester hears a decision.
    if (extension.status === 'pending' || extension.closedNoticeAt !== null) return;
    if (extension.requestedNoticeAt === null) throw new NoticeNotReadyError(`extension ${id} not posted yet`);
    const markClosed = () =>
      deps.db.grantExtension.updateMany({ where: { id, closedNoticeAt: null }, data: { closedNoticeAt: now() } });
    const ts = extension.messageTs;
    if (ts !== null && !cardFailed) {
      await unlessPermanent(
        () =>
          callSlack(job, token, () =>
            deps.slack.chat.update({ channel: request.channelId, ts, ...extensionThreadMessage(request, extension) }),
          ),
        async () => {
          await markClosed();
        },
      );
    }
    if (extension.status !== 'moot') {
      await unlessPermanent(
        async () => {
          const channel = await dmChannel(request.requesterSlackId);
          await post({ channel, text: extensionDecidedDm(request, extension) });
        },
        async () => {
          await markClosed();
        },
      );
    }
    await markClosed();
  },
});
