import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { CoreDeps } from '../../../services/deps.ts';
import { ZReason } from '../../../services/request-input.ts';
import { decide } from '../../../services/requests.ts';
import { DENY_FIELDS } from '../../blocks/modals.ts';
import { explainDecision } from '../feedback.ts';

const ZMetadata = z.object({ requestId: z.string(), channelId: z.string().optional() });

/**
 * Submit of the Deny modal: the reason is required (inline error otherwise). The request is denied
 * before the modal closes, so a request decided or expired meanwhile is explained in the modal.
 */
export function denyModalSubmitCallback(deps: CoreDeps) {
  return async ({ ack, body, view }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>) => {
    const reason = ZReason.safeParse(view.state.values[DENY_FIELDS.reason]?.[DENY_FIELDS.reason]?.value ?? '');
    if (!reason.success) {
      await ack({ response_action: 'errors', errors: { [DENY_FIELDS.reason]: 'A reason is required to deny.' } });
      return;
    }
    let metadata: z.infer<typeof ZMetadata>;
    try {
      metadata = ZMetadata.parse(JSON.parse(view.private_metadata));
    } catch {
      await ack({ response_action: 'errors', errors: { [DENY_FIELDS.reason]: 'This form is no longer valid.' } });
      return;
    }
    const result = await decide(deps, {
      requestId: metadata.requestId,
      userId: body.user.id,
      decision: 'deny',
      reason: reason.data,
    });
    const problem = result.kind === 'recorded' ? null : explainDecision(result, 'deny');
    if (problem !== null) {
      await ack({ response_action: 'errors', errors: { [DENY_FIELDS.reason]: problem } });
      return;
    }
    await ack();
  };
}
