import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { breakGlass } from '../../../services/requests/break-glass.ts';
import { ZReason } from '../../../services/requests/input.ts';
import { BREAK_GLASS_FIELDS } from '../../blocks/break-glass-modals.ts';
import { fieldOf } from '../../blocks/kit/inputs.ts';
import { publishHome } from '../../home-publisher.ts';
import { parseMetadata, type TViewSubmission } from '../../payloads.ts';
import { explainBreakGlass } from '../break-glass-feedback.ts';
import { STALE_TEXT } from '../stale.ts';

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
    const reason = ZReason.safeParse(fieldOf(input.values, field)?.value ?? '');
    if (!reason.success) {
      await errors(`The justification ${reason.error.issues[0]?.message ?? 'is not valid'}.`);
      return;
    }
    const metadata = parseMetadata(ZMetadata, input.view.private_metadata);
    if (metadata === null) {
      await errors(STALE_TEXT.form);
      return;
    }
    const userId = input.user.id;
    let result: Awaited<ReturnType<typeof breakGlass>>;
    try {
      result = await breakGlass(deps, { requestId: metadata.requestId, userId, reason: reason.data });
    } catch (error) {
      await errors(
        error instanceof AppError
          ? `Not approved: ${error.message}.`
          : 'Not approved: something failed on our side. Please submit again.',
      );
      if (!(error instanceof AppError)) throw error;
      return;
    }
    const problem = explainBreakGlass(result);
    if (problem !== null) {
      await errors(problem);
      return;
    }
    await ack();
    if (metadata.channelId === undefined) await publishHome(deps, client, userId);
  };
}
