import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { CoreDeps } from '../../../services/ports.ts';
import { recordDecision } from '../../../services/requests/decide.ts';
import { ZReason } from '../../../services/requests/input.ts';
import { refuseUnknownRequest } from '../../../services/requests/unknown-request.ts';
import { REASON_FIELDS } from '../../blocks/reason-modal.ts';
import { publishHome } from '../../home-publisher.ts';
import { CALLBACK_IDS } from '../../ids.ts';
import type { TViewSubmission } from '../../payloads.ts';
import { explainDecision } from '../feedback.ts';
import { formMetadata, formText, runBeforeClosing } from './view-submit.ts';

const ZMetadata = z.object({ requestId: z.string(), channelId: z.string().optional() });

/**
 * Submit of the reason modal (Deny, or Approve where the rule requires a reason): the reason is
 * required (inline error otherwise). The decision is committed before the modal closes, so a request
 * decided or expired meanwhile is explained in the modal; the card update is queued after.
 */
export function reasonModalSubmitCallback(deps: CoreDeps) {
  return async (
    { ack, client }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>,
    input: TViewSubmission,
  ) => {
    const decision = input.view.callback_id === CALLBACK_IDS.approveModal ? 'approve' : 'deny';
    const errors = (text: string) => ack({ response_action: 'errors', errors: { [REASON_FIELDS.reason]: text } });
    const required = `A reason is required to ${decision}.`;
    const reason = await formText(errors, ZReason, input, REASON_FIELDS.reason, 'The reason', required);
    if (reason === null) return;
    const metadata = await formMetadata(errors, ZMetadata, input);
    if (metadata === null) return;
    const userId = input.user.id;
    // Busy or unreachable: the form stays open with what was typed, and says nothing was recorded.
    const recorded = await runBeforeClosing(errors, 'Not recorded', () =>
      recordDecision(deps, { requestId: metadata.requestId, userId, decision, reason }),
    );
    if (!recorded.ok) return;
    const { result, announce } = recorded.value;
    if (result.kind === 'not_found')
      await refuseUnknownRequest(deps, { userId, requestId: metadata.requestId, decision });
    const problem = result.kind === 'recorded' ? null : explainDecision(result, decision);
    // The form closes (or explains) once the decision is committed; the card update is queued after.
    await ack(
      problem === null ? undefined : { response_action: 'errors', errors: { [REASON_FIELDS.reason]: problem } },
    );
    await announce();
    if (problem !== null) return;
    // Opened from App Home (no channel): the decided request leaves the user's list.
    if (metadata.channelId === undefined) await publishHome(deps, client, userId);
  };
}
