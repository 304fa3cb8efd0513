import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { CoreDeps } from '../../../services/ports.ts';
import { breakGlass } from '../../../services/requests/break-glass.ts';
import { ZReason } from '../../../services/requests/input.ts';
import { BREAK_GLASS_FIELDS } from '../../blocks/break-glass-modals.ts';
import { publishHome } from '../../home-publisher.ts';
import type { TViewSubmission } from '../../payloads.ts';
import { explainBreakGlass } from '../break-glass-feedback.ts';
import { formMetadata, formText, runBeforeClosing } from './view-submit.ts';

const ZMetadata = z.object({ requestId: z.string(), channelId: z.string().optional() });

/**
 * Submit of the Break glass modal: the justification is required (inline error otherwise). The
 * request is approved before the modal closes, so a refusal or a request decided meanwhile is
 * explained in the modal and nothing changes; the card, the announcement and the DM follow.
 */
export function breakGlassSubmitCallback(deps: CoreDeps) {
  return async (
    { ack, client }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>,
    input: TViewSubmission,
  ) => {
    const field = BREAK_GLASS_FIELDS.reason;
    const errors = (text: string) => ack({ response_action: 'errors', errors: { [field]: text } });
    const reason = await formText(errors, ZReason, input, field, 'The justification');
    if (reason === null) return;
    const metadata = await formMetadata(errors, ZMetadata, input);
    if (metadata === null) return;
    const userId = input.user.id;
    const result = await runBeforeClosing(errors, 'Not approved', () =>
      breakGlass(deps, { requestId: metadata.requestId, userId, reason }),
    );
    if (!result.ok) return;
    const problem = explainBreakGlass(result.value);
    if (problem !== null) {
      await errors(problem);
      return;
    }
    await ack();
    if (metadata.channelId === undefined) await publishHome(deps, client, userId);
  };
}
