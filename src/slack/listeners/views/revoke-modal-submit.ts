import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { CoreDeps } from '../../../services/ports.ts';
import { ZReason } from '../../../services/requests/input.ts';
import { revokeGrant } from '../../../services/requests/revoke.ts';
import { getRequest } from '../../../services/requests/store.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { REASON_FIELDS } from '../../blocks/reason-modal.ts';
import { publishHome } from '../../home-publisher.ts';
import type { TViewSubmission } from '../../payloads.ts';
import { explainRevokeRefusal } from '../feedback.ts';
import { formMetadata, runBeforeClosing } from './view-submit.ts';

const ZMetadata = z.object({ requestId: z.string(), channelId: z.string().optional() });

/**
 * Submit of the Revoke access modal: the reason is optional (blank means none). The grant is revoked
 * before the modal closes, so a refusal — not allowed, or the grant already executed, revoked or
 * lapsed meanwhile — is explained in the modal and nothing changes. The card, its thread and the
 * requester's DM follow from the change.
 */
export function revokeModalSubmitCallback(deps: CoreDeps) {
  return async (
    { ack, client }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>,
    input: TViewSubmission,
  ) => {
    const errors = (text: string) => ack({ response_action: 'errors', errors: { [REASON_FIELDS.reason]: text } });
    const typed = (input.values[REASON_FIELDS.reason]?.[REASON_FIELDS.reason]?.value ?? '').trim();
    const reason = typed === '' ? null : ZReason.safeParse(typed);
    if (reason !== null && !reason.success) {
      await errors(`The reason ${reason.error.issues[0]?.message ?? 'is not valid'}.`);
      return;
    }
    const metadata = await formMetadata(errors, ZMetadata, input);
    if (metadata === null) return;
    const userId = input.user.id;
    const { requestId } = metadata;
    const revoked = await runBeforeClosing(
      errors,
      'Not revoked',
      () => revokeGrant(deps, { requestId, actor: { type: 'user', id: userId }, reason: reason?.data ?? null }),
      async (error) => {
        if (error.code === 'not_found') await refuseUnknownRequest(deps, { userId, requestId, decision: 'revoke' });
        return explainRevokeRefusal(error, await getRequest(deps.db, requestId));
      },
    );
    if (!revoked.ok) return;
    await ack();
    // Opened from App Home (no channel): the revoked access leaves the user's list.
    if (metadata.channelId === undefined) await publishHome(deps, client, userId);
  };
}
