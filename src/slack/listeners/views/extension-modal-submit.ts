import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { requestExtension, ZExtendBody } from '../../../services/requests/request-extension.ts';
import { EXTENSION_FIELDS } from '../../blocks/extension-blocks.ts';
import { fieldOf } from '../../blocks/kit/inputs.ts';
import { parseMetadata, type TViewSubmission } from '../../payloads.ts';
import { STALE_TEXT } from '../stale.ts';

const ZMetadata = z.object({ requestId: z.string() });

/** Which form input an API field error belongs under. */
const FIELD_BLOCK: Record<string, string> = { seconds: EXTENSION_FIELDS.seconds, reason: EXTENSION_FIELDS.reason };

/**
 * Submit of the Request extension form: checked by the same schema and use case as
 * `POST /api/v1/requests/:id/extend`, as the requester. The extension is recorded before the form
 * closes, so a refusal (the grant ended, one already waiting, past the 30-day limit) shows inline
 * and changes nothing; the approvers then see it in the card's thread.
 */
export function extensionModalSubmitCallback(deps: CoreDeps) {
  return async ({ ack }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>, input: TViewSubmission) => {
    const errors = (byField: Record<string, string>) => ack({ response_action: 'errors', errors: byField });
    const body = ZExtendBody.safeParse({
      seconds: Number(fieldOf(input.values, EXTENSION_FIELDS.seconds)?.selected_option?.value ?? Number.NaN),
      reason: fieldOf(input.values, EXTENSION_FIELDS.reason)?.value ?? '',
    });
    if (!body.success) {
      const byField: Record<string, string> = {};
      for (const issue of body.error.issues) {
        const block = FIELD_BLOCK[String(issue.path[0])] ?? EXTENSION_FIELDS.reason;
        byField[block] ??= `This ${issue.message}.`;
      }
      await errors(byField);
      return;
    }
    const metadata = parseMetadata(ZMetadata, input.view.private_metadata);
    if (metadata === null) {
      await errors({ [EXTENSION_FIELDS.reason]: STALE_TEXT.form });
      return;
    }
    try {
      await requestExtension(deps, {
        requestId: metadata.requestId,
        actor: { type: 'user', id: input.user.id },
        ...body.data,
      });
    } catch (error) {
      if (!(error instanceof AppError)) {
        await errors({ [EXTENSION_FIELDS.reason]: 'Not sent: something failed on our side. Please submit again.' });
        throw error;
      }
      const field = error.fields?.[0];
      await errors({
        [FIELD_BLOCK[field?.path ?? ''] ?? EXTENSION_FIELDS.reason]: field
          ? `This ${field.message}.`
          : `Not sent: ${error.message}.`,
      });
      return;
    }
    await ack();
  };
}
