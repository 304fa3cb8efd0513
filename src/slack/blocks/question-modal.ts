import type { ModalView } from '@slack/types';
import { CALLBACK_IDS } from '../ids.ts';
import { slackDate } from './kit/date.ts';
import { formatDuration } from './kit/duration.ts';
import { textInput } from './kit/inputs.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { context, plain, section } from './kit/text.ts';

/** The block (and action) id of the question and of the answer inputs. */
export const QUESTION_FIELD = 'question';
export const ANSWER_FIELD = 'answer';

/**
 * **Ask a question** on a pending card: the question for the requester, and what asking does to the
 * deadline — moved by the rule's `needsInfo.extendSeconds`, or (no such setting) left where it is.
 * `questionId` is minted when the form opens and travels in private_metadata: submitting the same
 * form twice records one question and moves the deadline once.
 */
export function buildQuestionModal(input: {
  requestId: string;
  questionId: string;
  action: string;
  resource: string;
  requesterSlackId: string;
  expiresAt: Date;
  extendSeconds: number | null;
}): ModalView {
  const clock =
    input.extendSeconds === null
      ? `This request’s rule does not pause the clock: the deadline stays ${slackDate(input.expiresAt)}.`
      : input.extendSeconds === 0
        ? `The deadline stays ${slackDate(input.expiresAt)}: questions have already moved it as far as a request may wait.`
        : `Asking moves the deadline by ${formatDuration(input.extendSeconds)} (now ${slackDate(input.expiresAt)}), once for this question.`;
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.questionModal,
    title: plain('Ask a question'),
    submit: plain('Ask'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ requestId: input.requestId, questionId: input.questionId }),
    blocks: [
      section(
        `Ask <@${input.requesterSlackId}> about \`${truncate(escapeMrkdwn(input.action), 500)}\` on \`${truncate(escapeMrkdwn(input.resource), 1000)}\`. ` +
          'The question goes to the card’s thread and to them by DM; their answer comes back to both.',
      ),
      textInput(QUESTION_FIELD, 'Question', null, {
        multiline: true,
        max: 2000,
        placeholder: 'What do you need to know before deciding?',
      }),
      context(clock),
    ],
  };
}

/** **Reply** in the requester's needs-info DM: the question, and their answer. */
export function buildReplyModal(input: {
  requestId: string;
  questionId: string;
  asker: string;
  question: string;
}): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.replyModal,
    title: plain('Reply'),
    submit: plain('Send answer'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ requestId: input.requestId, questionId: input.questionId }),
    blocks: [
      section(`<@${input.asker}> asks:\n>${truncate(escapeMrkdwn(input.question), 2500)}`),
      textInput(ANSWER_FIELD, 'Your answer', null, { multiline: true, max: 2000 }),
    ],
  };
}
