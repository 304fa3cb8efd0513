import { beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import {
  APPROVER_A,
  APPROVER_B,
  api,
  CHANNEL,
  cardOf,
  createViaApi,
  dmsTo,
  ephemeralsTo,
  eventually,
  OUTSIDER,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import type { SlackCall } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

type Question = {
  id: string;
  askedBy: string;
  question: string;
  answer: string | null;
  answeredAt: string | null;
  extendedBySeconds: number;
};
type Req = {
  id: string;
  status: string;
  expiresAt: string;
  decision: { at: string } | null;
  needsInfo: Question | null;
  questions: Question[];
  audit?: Array<{ type: string; actor: { id: string | null }; details: Record<string, unknown> }>;
};
type View = { callback_id?: string; private_metadata?: string; blocks: Array<Record<string, unknown>> };

const EXTEND_SECONDS = 10;

describe('needs info: Ask a question, Reply, and the deadline', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  beforeAll(async () => {
    // Requests for `needs.*` get a rule that moves the deadline by 10 s per question; others take the default route.
    await createRule(
      t.app.deps,
      { type: 'user', id: 'U0ADMIN001' },
      ruleInput({
        name: 'Needs info',
        actionPatterns: ['needs.*'],
        resourcePatterns: ['**'],
        channelId: CHANNEL,
        approvers: [APPROVER_A, APPROVER_B],
        requiredApprovals: 1,
        needsInfo: { extendSeconds: EXTEND_SECONDS },
      }),
    );
  });

  /**
   * When a delayed timer job is due, as BullMQ's delayed set scores it (due ms × 0x1000 + a counter):
   * after changeDelay the job's own timestamp + delay still describe the old schedule.
   */
  const dueAt = async (jobId: string) => {
    const queue = t.app.jobs.queue(QUEUES.timers);
    const score = await t.app.deps.redis.zscore(queue.keys.delayed as string, jobId);
    if (score === null) throw new Error(`${jobId} is not delayed`);
    return Math.floor(Number(score) / 0x1000);
  };
  const get = async (id: string) => (await api<Req>(t, 'GET', `/requests/${id}`)).body;
  const threadOf = (ts: string) =>
    [...t.slack.messages.values()].filter((m) => m.thread_ts === ts).map((m) => m.text ?? '');
  const modalOf = async (callbackId: string, id: string, after: number) =>
    (
      await t.slack.waitForCall(
        'views.open',
        (c: SlackCall) =>
          c.at >= after &&
          (c.args.view as View).callback_id === callbackId &&
          String((c.args.view as View).private_metadata).includes(id),
      )
    ).args.view as View;
  const pressAsk = (user: string, id: string, ts: string) =>
    t.sender.blockAction({
      user_id: user,
      action_id: 'ask_question',
      value: id,
      channel_id: CHANNEL,
      message_ts: ts,
      block_id: 'needs_info',
    });
  const submitQuestion = (user: string, view: View, question: string) =>
    t.sender.viewSubmission({
      user_id: user,
      callback_id: 'ask_question_modal',
      private_metadata: view.private_metadata ?? '',
      values: { question: { question: { type: 'plain_text_input', value: question } } },
    });
  /** Opens the question form on the card as `user` and returns it. */
  async function openQuestionForm(id: string, user = APPROVER_A) {
    const card = await waitForCard(t, id);
    const pressed = Date.now();
    await pressAsk(user, id, card.ts);
    return { view: await modalOf('ask_question_modal', id, pressed), card };
  }
  /** The Reply button in the requester's needs-info DM, with the DM channel it was posted in. */
  const replyButton = (questionId: string) =>
    eventually(() => {
      for (const call of t.slack.callsOf('chat.postMessage')) {
        const blocks = JSON.stringify(call.args.blocks ?? []);
        if (call.response.ok && blocks.includes('reply_question') && blocks.includes(questionId)) {
          const value = /"value":"([^"]+)"/.exec(blocks.slice(blocks.indexOf('reply_question')))?.[1];
          return value === undefined ? undefined : { value, channel: String(call.args.channel) };
        }
      }
      return undefined;
    });

  it('an approver asks; a double submit records one question and moves the deadline once; the expiry timer moves with it', async () => {
    const created = await createViaApi(t, { action: 'needs.drop', ttlSeconds: 4 });
    const before = Date.parse(created.expiresAt);
    const { view, card } = await openQuestionForm(created.id);
    expect(JSON.stringify(view.blocks)).toContain('moves the deadline by 10 s');

    // The same form submitted twice at once (a double click on Ask): one question, one extension.
    const [first, second] = await Promise.all([
      submitQuestion(APPROVER_A, view, 'Which backup covers this table?'),
      submitQuestion(APPROVER_A, view, 'Which backup covers this table?'),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const asked = await get(created.id);
    expect(asked.status).toBe('pending');
    expect(asked.questions).toHaveLength(1);
    expect(asked.needsInfo).toMatchObject({
      askedBy: APPROVER_A,
      question: 'Which backup covers this table?',
      answer: null,
      extendedBySeconds: EXTEND_SECONDS,
    });
    expect(Date.parse(asked.expiresAt)).toBe(before + EXTEND_SECONDS * 1000);
    const askedEvents = asked.audit?.filter((e) => e.type === 'question.asked') ?? [];
    expect(askedEvents).toHaveLength(1);
    expect(askedEvents[0]?.details).toMatchObject({
      extendedBySeconds: EXTEND_SECONDS,
      previousExpiresAt: created.expiresAt,
      expiresAt: asked.expiresAt,
    });

    // The expiry timer was moved (changeDelay; re-adding its id would keep the old delay): it is due at the new deadline.
    expect(Math.abs((await dueAt(`expire-${created.id}`)) - Date.parse(asked.expiresAt))).toBeLessThan(250);

    // The question reaches the card's thread (mentioning the requester) and the requester's DM (with Reply).
    await eventually(() => threadOf(card.ts).some((m) => m.includes('Which backup') && m.includes(`<@${REQUESTER}>`)));
    await eventually(() => dmsTo(t, REQUESTER).some((m) => m.includes('Which backup')));
    await replyButton(asked.questions[0]?.id as string);

    // Past the old deadline the request is still pending; it expires at the new one, by its timer.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, before + 1000 - Date.now())));
    expect((await get(created.id)).status).toBe('pending');
    const expired = await eventually(
      async () => {
        const current = await get(created.id);
        return current.status === 'expired' ? current : undefined;
      },
      EXTEND_SECONDS * 1000 + 8000,
      'expiry at the new deadline',
    );
    expect(Date.parse(expired.decision?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(asked.expiresAt));
  }, 30_000);

  it('the requester replies: the answer reaches the thread and the asker’s DM, and needs-info clears', async () => {
    const created = await createViaApi(t, { action: 'needs.export', ttlSeconds: 600 });
    const { view, card } = await openQuestionForm(created.id, APPROVER_B);
    expect((await submitQuestion(APPROVER_B, view, 'Who will receive the export?')).status).toBe(200);
    const asked = await get(created.id);
    const question = asked.needsInfo as Question;
    const button = await replyButton(question.id);

    // Only the requester may answer: anyone else is told so, and no form opens.
    await t.sender.blockAction({ user_id: OUTSIDER, action_id: 'reply_question', value: button.value });
    await eventually(() => dmsTo(t, OUTSIDER).some((m) => m.includes('Only the person who made the request')));

    const pressed = Date.now();
    await t.sender.blockAction({
      user_id: REQUESTER,
      action_id: 'reply_question',
      value: button.value,
      channel_id: button.channel,
      message_ts: '1.000001',
      block_id: 'needs_info',
    });
    const reply = await modalOf('reply_question_modal', created.id, pressed);
    const answered = await t.sender.viewSubmission({
      user_id: REQUESTER,
      callback_id: 'reply_question_modal',
      private_metadata: reply.private_metadata ?? '',
      values: { answer: { answer: { type: 'plain_text_input', value: 'Only the finance auditors' } } },
    });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toBe('');

    const after = await get(created.id);
    expect(after.needsInfo).toBeNull();
    expect(after.questions[0]).toMatchObject({ answer: 'Only the finance auditors' });
    expect(after.expiresAt).toBe(asked.expiresAt);
    expect(after.audit?.map((e) => e.type)).toEqual(['request.created', 'question.asked', 'question.answered']);
    await eventually(() =>
      threadOf(card.ts).some((m) => m.includes('Only the finance auditors') && m.includes(`<@${APPROVER_B}>`)),
    );
    await eventually(() => dmsTo(t, APPROVER_B).some((m) => m.includes('Only the finance auditors')));
    // The card shows the question and its answer.
    await eventually(() => JSON.stringify(cardOf(t, created.id)?.blocks ?? []).includes('Only the finance auditors'));
  });

  it('refuses the requester and outsiders: nobody but a routed approver asks, and nothing moves', async () => {
    const created = await createViaApi(t, { action: 'needs.refused', ttlSeconds: 600 });
    const card = await waitForCard(t, created.id);
    await pressAsk(REQUESTER, created.id, card.ts);
    await eventually(() => ephemeralsTo(t, REQUESTER).some((m) => m.includes('only its approvers can ask')));
    // A forged submission (the form was never opened for them) is refused inline and audited.
    const forged = await t.sender.viewSubmission({
      user_id: OUTSIDER,
      callback_id: 'ask_question_modal',
      private_metadata: JSON.stringify({ requestId: created.id, questionId: crypto.randomUUID() }),
      values: { question: { question: { type: 'plain_text_input', value: 'Let me in?' } } },
    });
    expect(await forged.json()).toMatchObject({
      response_action: 'errors',
      errors: { question: expect.stringContaining('Only the approvers') },
    });
    const after = await get(created.id);
    expect(after.questions).toEqual([]);
    expect(after.expiresAt).toBe(created.expiresAt);
    expect(after.audit?.map((e) => e.type)).toEqual(['request.created', 'question.refused']);
  });

  it('a rule without needsInfo still lets approvers ask, and says the deadline stays', async () => {
    const created = await createViaApi(t, { action: 'db.plain', ttlSeconds: 600 });
    const { view } = await openQuestionForm(created.id);
    expect(JSON.stringify(view.blocks)).toContain('does not pause the clock');
    expect((await submitQuestion(APPROVER_A, view, 'Why now?')).status).toBe(200);
    const after = await get(created.id);
    expect(after.needsInfo).toMatchObject({ question: 'Why now?', extendedBySeconds: 0 });
    expect(after.expiresAt).toBe(created.expiresAt);
  });
});
