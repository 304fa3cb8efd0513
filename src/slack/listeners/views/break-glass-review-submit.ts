import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { CoreDeps } from '../../../services/ports.ts';
import { BREAK_GLASS_VERDICTS, reviewBreakGlass } from '../../../services/requests/break-glass-review.ts';
import { ZReason } from '../../../services/requests/input.ts';
import { BREAK_GLASS_FIELDS } from '../../blocks/break-glass-modals.ts';
import { fieldOf } from '../../blocks/kit/inputs.ts';
import { publishHome } from '../../home-publisher.ts';
import { parseMetadata, type TViewSubmission } from '../../payloads.ts';
import { explainReview } from '../break-glass-feedback.ts';
import { STALE_TEXT } from '../stale.ts';
import { runBeforeClosing, textProblem } from './view-submit.ts';

const ZMetadata = z.object({ requestId: z.string(), channelId: z.string().optional() });
const ZVerdict = z.enum(BREAK_GLASS_VERDICTS);

/**
 * Submit of the break-glass Review modal: a verdict and a note are required (inline errors). The
 * review is recorded before the modal closes, so a refusal (not an approver, already reviewed) is
 * explained in the modal and nothing changes; the card re-renders with the verdict.
 */
export function breakGlassReviewSubmitCallback(deps: CoreDeps) {
  return async (
    { ack, client }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>,
    input: TViewSubmission,
  ) => {
    const verdict = ZVerdict.safeParse(fieldOf(input.values, BREAK_GLASS_FIELDS.verdict)?.selected_option?.value);
    const note = ZReason.safeParse(fieldOf(input.values, BREAK_GLASS_FIELDS.note)?.value ?? '');
    const fieldErrors: Record<string, string> = {};
    if (!verdict.success) fieldErrors[BREAK_GLASS_FIELDS.verdict] = 'Pick a verdict: acceptable or not acceptable.';
    if (!note.success) fieldErrors[BREAK_GLASS_FIELDS.note] = textProblem('The note', note.error);
    const metadata = parseMetadata(ZMetadata, input.view.private_metadata);
    if (metadata === null) fieldErrors[BREAK_GLASS_FIELDS.note] = STALE_TEXT.form;
    if (!verdict.success || !note.success || metadata === null) {
      await ack({ response_action: 'errors', errors: fieldErrors });
      return;
    }
    const errors = (text: string) => ack({ response_action: 'errors', errors: { [BREAK_GLASS_FIELDS.note]: text } });
    const userId = input.user.id;
    const result = await runBeforeClosing(errors, 'Not recorded', () =>
      reviewBreakGlass(deps, { requestId: metadata.requestId, userId, verdict: verdict.data, note: note.data }),
    );
    if (!result.ok) return;
    const problem = explainReview(result.value);
    if (problem !== null) {
      await errors(problem);
      return;
    }
    await ack();
    if (metadata.channelId === undefined) await publishHome(deps, client, userId);
  };
}
