import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { CoreDeps } from '../../../services/ports.ts';
import { answerQuestion } from '../../../services/requests/answer-question.ts';
import { ZQuestionText } from '../../../services/requests/ask-question.ts';
import { ANSWER_FIELD } from '../../blocks/question-modal.ts';
import type { TViewSubmission } from '../../payloads.ts';
import { REPLY_REFUSED } from '../actions/reply-question.ts';
import { formMetadata, formText, runBeforeClosing } from './view-submit.ts';

const ZMetadata = z.object({ requestId: z.string(), questionId: z.uuid() });

/**
 * Submit of the Reply form: the answer is recorded before the form closes (refusals show in it and
 * change nothing); it then goes to the card's thread and to the asker by DM. A second submit of an
 * answered question changes nothing and just closes.
 */
export function replyModalSubmitCallback(deps: CoreDeps) {
  return async ({ ack }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>, input: TViewSubmission) => {
    const errors = (text: string) => ack({ response_action: 'errors', errors: { [ANSWER_FIELD]: text } });
    const answer = await formText(errors, ZQuestionText, input, ANSWER_FIELD, 'The answer');
    if (answer === null) return;
    const metadata = await formMetadata(errors, ZMetadata, input);
    if (metadata === null) return;
    const answered = await runBeforeClosing(
      errors,
      'Not sent',
      () => answerQuestion(deps, { ...metadata, userId: input.user.id, answer }),
      'unexpected',
    );
    if (!answered.ok) return;
    const result = answered.value;
    if (result.kind === 'not_found' || result.kind === 'refused') {
      await errors(REPLY_REFUSED[result.kind === 'refused' ? result.reason : 'not_found']);
      return;
    }
    await ack();
  };
}
