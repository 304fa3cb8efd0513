import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { CoreDeps } from '../../../services/ports.ts';
import { askQuestion, ZQuestionText } from '../../../services/requests/ask-question.ts';
import { QUESTION_FIELD } from '../../blocks/question-modal.ts';
import type { TViewSubmission } from '../../payloads.ts';
import { ASK_REFUSED } from '../actions/ask-question.ts';
import { formMetadata, formText, runBeforeClosing } from './view-submit.ts';

const ZMetadata = z.object({ requestId: z.string(), questionId: z.uuid() });

/**
 * Submit of the Ask a question form: the question is recorded (and the deadline moved) before the
 * form closes, so a refusal — not an approver any more, or the request decided meanwhile — shows in
 * the form and changes nothing. The question's id came with the form: submitting it twice records
 * one question and moves the deadline once.
 */
export function questionModalSubmitCallback(deps: CoreDeps) {
  return async ({ ack }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>, input: TViewSubmission) => {
    const errors = (text: string) => ack({ response_action: 'errors', errors: { [QUESTION_FIELD]: text } });
    const question = await formText(errors, ZQuestionText, input, QUESTION_FIELD, 'The question');
    if (question === null) return;
    const metadata = await formMetadata(errors, ZMetadata, input);
    if (metadata === null) return;
    const asked = await runBeforeClosing(
      errors,
      'Not asked',
      () => askQuestion(deps, { ...metadata, userId: input.user.id, question }),
      'unexpected',
    );
    if (!asked.ok) return;
    const result = asked.value;
    if (result.kind === 'not_found') {
      await errors(ASK_REFUSED.not_found);
      return;
    }
    if (result.kind === 'refused') {
      await errors(ASK_REFUSED[result.reason]);
      return;
    }
    await ack();
  };
}
