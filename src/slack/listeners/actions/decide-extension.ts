import type { CoreDeps } from '../../../services/ports.ts';
import { type ExtensionDecision, recordExtensionDecision } from '../../../services/requests/decide-extension.ts';
import { parseWorkflowRef } from '../../blocks/workflow-ref.ts';
import { recordingButton } from './request-button.ts';

/** What the presser is told when their decision on an extension is refused. */
const REFUSED = {
  self: 'You asked for this access yourself: only its approvers can extend it.',
  not_an_approver: 'Only the approvers of this request can decide its extension.',
} as const;
const CLOSED: Record<string, string> = {
  approved: 'This extension was already approved.',
  denied: 'This extension was already denied.',
  moot: 'This extension was closed: the grant ended before anyone decided.',
};

/**
 * Approve extension / Deny extension on the extension's thread reply (registered once per
 * decision): decide at once — one routed approver settles it — and ack once that is recorded (as
 * Approve on a card does). The thread reply, the card and the requester's DM follow from the
 * change; a refusal is audited and explained to the presser.
 */
export function decideExtensionCallback(deps: CoreDeps, decision: ExtensionDecision) {
  return recordingButton(
    {
      log: `extension ${decision}`,
      failed: 'Something went wrong: nothing was recorded. Please try again.',
      notRecorded:
        'Your decision on this extension is not recorded yet: recording it is taking longer than usual. You will be told here if it fails.',
    },
    {
      record: async ({ user, value }) => {
        const ref = parseWorkflowRef(value);
        if (ref === null) return { result: { kind: 'not_found' } as const, announce: async () => {} };
        return recordExtensionDecision(deps, { requestId: ref.requestId, extensionId: ref.id, userId: user, decision });
      },
      respond: async ({ tell }, { result, announce }) => {
        await announce();
        if (result.kind === 'decided') return;
        await tell(
          result.kind === 'not_found'
            ? 'This extension no longer exists.'
            : result.reason === 'already_decided'
              ? (CLOSED[result.status] ?? 'This extension was already decided.')
              : REFUSED[result.reason],
        );
      },
    },
  );
}
